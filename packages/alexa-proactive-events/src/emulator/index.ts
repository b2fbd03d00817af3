import * as fs from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { EVENT_NAMES } from '../events/names';
import { OptionsError, ValidationError } from '../issues';
import { closeWhenAnswered } from './closing';
import { eventsApi } from './eventsApi';
import { serve } from './exchange';
import { FaultPlan } from './faults';
import { hostGuard, originGuard } from './guards';
import { notifications } from './notifications';
import { EventRecords } from './records';
import { RequestLog } from './requestLog';
import { changeTimeZone, settingsApi, type SettingsApiOptions } from './settingsApi';
import { EmulatedSubscriptions } from './subscriptions';
import { changeSubscriptions, subscriptionsApi, type SubscriptionsApiOptions } from './subscriptionsApi';
import { EmulatedTimeZones } from './timeZones';
import { IssuedTokens, tokenEndpoint } from './tokens';
import type { Emulator, EmulatorOptions } from './types';

export { DEFAULT_KEEP_EVENTS, MAX_REFUSED } from './records';
export { MAX_SUBSCRIBERS } from './subscriptions';
export { MAX_LIVE_TOKENS } from './tokens';
export { DEFAULT_TIME_ZONE, MAX_DEVICES } from './timeZones';
export type { DeviceTimeZone } from './timeZones';
export type { TimeZonesView } from './settingsApi';
export type { SkillDelivery, SkillTarget, Subscriber } from './subscriptions';
export type { FaultOptions } from './faults';
export type { AcceptedEvent, Emulator, EmulatorOptions, ReceivedRequest, RefusedEvent, SubscribersView, SubscriptionChange } from './types';

/**
 * Starts an emulator of Amazon's token endpoint, Proactive Events API and Settings API (a device's time zone)
 * (`createEmulator({ port: 0 })` picks a free
 * port) and resolves once it listens.
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const published = options.publishedEvents ?? (options.skillJsonPath ? publicationsOf(options.skillJsonPath) : undefined);
  let faults = new FaultPlan(options.faults);
  let skill = options.skill;
  let connections = 0;
  const requests = new RequestLog(options.receivedLimit ?? 10_000, log);
  const issues = (['keepEvents', 'keepTokens'] as const)
    .filter((key) => options[key] !== undefined && !(Number.isInteger(options[key]) && options[key] >= 1))
    .map((key) => ({ path: key, message: 'expected a whole number of at least 1', value: options[key] }));
  if (issues.length > 0) throw new OptionsError('createEmulator', issues);
  const records = new EventRecords(options.keepEvents);
  const tokens = new IssuedTokens(now, (options.tokenTtlSeconds ?? 3600) * 1000, options.keepTokens);
  const subscribers: SubscriptionsApiOptions = {
    subscriptions: new EmulatedSubscriptions(options.subscribers),
    events: published ?? EVENT_NAMES,
    skill: () => skill,
    apiEndpoint: () => emulator.url,
    now,
    log,
  };
  const settings: SettingsApiOptions = { timeZones: new EmulatedTimeZones(), log };
  // Latency applies to Amazon's answers (tokens and events), not to the page or /events.
  const latency = () => new Promise<void>((resolve) => (faults.latencyMs > 0 ? setTimeout(resolve, faults.latencyMs) : resolve()));
  const reset = () => {
    records.clear();
    requests.clear();
    tokens.count = 0;
  };

  const server = createServer(
    serve([
      hostGuard([...(options.host ? [options.host] : []), ...(options.hostnames ?? [])]),
      originGuard,
      requests.record,
      tokenEndpoint({ tokens, clients: options.clients, clientsWithoutScope: options.clientsWithoutScope, latency }),
      eventsApi({ tokens, records, subscriptions: subscribers.subscriptions, published, faults: () => faults, latency, now }),
      ...notifications({ records, reset, stats: () => ({ accepted: records.acceptedCount, droppedEvents: records.dropped, received: requests.count, tokensIssued: tokens.count, connections }) }),
      ...subscriptionsApi(subscribers),
      ...settingsApi(settings),
    ]),
  );
  await listen(server, options.port ?? 3001, options.host ?? '127.0.0.1');
  server.on('connection', () => connections++);
  const closeServer = closeWhenAnswered(server);
  const address = server.address() as AddressInfo;

  const emulator: Emulator = {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    received: requests.received,
    accepted: records.accepted,
    refused: records.refused,
    get tokensIssued() {
      return tokens.count;
    },
    get connections() {
      return connections;
    },
    // The answers under way are sent with their tokens still good; then the tokens go.
    close: () => closeServer().finally(() => tokens.forget()),
    expireTokens: () => tokens.expire(),
    setFaults: (next) => (faults = new FaultPlan(next)),
    reset,
    subscribers: () => subscribers.subscriptions.list(),
    setSubscriptions: async (user, events, locale) => {
      const result = await changeSubscriptions(subscribers, user, { events, ...(locale !== undefined && { locale }) });
      if (result.ok) return result.change;
      // Not tracking subscriptions is how the emulator was made; anything else is the change itself.
      if (result.status === 409) throw new OptionsError('createEmulator', [{ path: 'subscribers', message: result.problems.join('; ') }]);
      throw new ValidationError(
        result.problems.map((problem) => {
          const [, path = '', message = problem] = /^([\w.[\]]+): (.*)$/s.exec(problem) ?? [];
          return { path, message };
        }),
        [],
        'The subscription change',
      );
    },
    setSkill: (next) => (skill = next),
    timeZones: () => settings.timeZones.list(),
    setTimeZone: (deviceId, timeZone) => {
      const result = changeTimeZone(settings, deviceId, { timeZone });
      if (!result.ok) throw new ValidationError(result.issues, [], 'The time zone setting');
      return result.device;
    },
  };
  return emulator;
}

/** Resolves once `server` listens, rejects when it cannot (the port is taken, say). */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The events a built skill.json publishes (`manifest.events.publications`). */
function publicationsOf(skillJsonPath: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(skillJsonPath, 'utf8')) as {
    manifest?: { events?: { publications?: Array<{ eventName: string }> } };
  };
  return (manifest.manifest?.events?.publications ?? []).map((publication) => publication.eventName);
}
