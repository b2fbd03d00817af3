import { createHash, randomUUID } from 'crypto';
import type { Host } from 'jovo-core';
import type { BaseApp } from 'jovo-framework';
import {
  MAX_TRIGGER_BATCH,
  REGION_ORIGINS,
  hiddenIntentName,
  refusedResult,
  triggerEnvelope,
  type SendResult,
  type TriggerData,
  type VerifiedTrigger,
} from 'alexa-proactive-events';
import { handOn } from '../doors/admitted';
import type { ProactiveEvents } from '../plugin/ProactiveEvents';
import { regionsOf, type ScheduledEvent } from './declaration';
import { ScheduleRunner } from './runner';

/** One run of a schedule and what became of each send (one per region of a Multicast, one per user of a Unicast). */
export interface ScheduleRun {
  name: string;
  /** The time the run was for (not when it ran): the referenceId is made of it. */
  scheduledTime: string;
  referenceId: string;
  results: SendResult[];
}

/**
 * The referenceId of a schedule's run, made of its name and time: a second delivery of the same run (EventBridge
 * Scheduler delivers at least once; a restarted skill) is the same notification, so Amazon answers `duplicate`.
 */
export function scheduleReferenceId(name: string, scheduledTime: Date): string {
  const time = scheduledTime.toISOString().replace(/[-:]|\.\d{3}/g, '');
  return `${name}~${time}`;
}

/**
 * Runs a schedule of the app's plugin through the path of a trigger: its hidden intent, with the same validation,
 * sender, stored regions and Unicast rules, as if a door had admitted a trigger for it. No signature is made or
 * checked: the run comes from the app's own declaration (locally) or from EventBridge Scheduler invoking the
 * function directly, which IAM vouches for; nothing of it crosses a network on the way in.
 */
export async function runSchedule(app: BaseApp, name: string, scheduledTime: Date): Promise<ScheduleRun> {
  const plugin = app.$plugins.get('ProactiveEvents') as ProactiveEvents | undefined;
  if (!plugin) throw new Error('runSchedule: the app has no ProactiveEvents plugin');
  const schedule = plugin.schedules.find((declared) => declared.name === name);
  if (!schedule) throw new Error(`No schedule named ${JSON.stringify(name)} in app.json; it has ${plugin.schedules.map((s) => s.name).join(', ') || 'none'}`);
  const referenceId = scheduleReferenceId(name, scheduledTime);
  const run = { name, scheduledTime: scheduledTime.toISOString(), referenceId };
  let content: ScheduledEvent = { event: schedule.event, localizedAttributes: schedule.localizedAttributes };
  try {
    if (plugin.options.prepareScheduledEvent) content = await plugin.options.prepareScheduledEvent({ schedule, scheduledTime, event: content });
  } catch (error) {
    return { ...run, results: [refusedResult(schedule.event.name, referenceId, `prepareScheduledEvent failed: ${(error as Error).message}; nothing was sent`)] };
  }
  const data: TriggerData = {
    event: content.event,
    localizedAttributes: content.localizedAttributes?.map((entry) => ({ ...entry })),
    referenceId,
    expiresInMinutes: schedule.expiresInMinutes,
    stage: schedule.stage,
    // PROACTIVE_API_ENDPOINT (the emulator) takes every scheduled send; otherwise a Unicast user's stored region wins.
    explicitEndpoint: plugin.scheduleEndpoint !== undefined,
  };
  const endpoint = (region: keyof typeof REGION_ORIGINS) => plugin.scheduleEndpoint ?? REGION_ORIGINS[region];
  const locale = content.localizedAttributes?.[0]?.locale ?? 'en-US';
  const results: SendResult[] = [];
  if (schedule.to === 'all') {
    // One send per host: with PROACTIVE_API_ENDPOINT every region is the same one.
    for (const apiEndpoint of new Set(regionsOf(schedule).map(endpoint))) results.push(...(await handle(app, { ...data }, apiEndpoint, locale)));
  } else {
    const [fallback] = regionsOf(schedule);
    for (let at = 0; at < schedule.to.users.length; at += MAX_TRIGGER_BATCH) {
      results.push(...(await handle(app, { ...data, users: schedule.to.users.slice(at, at + MAX_TRIGGER_BATCH) }, endpoint(fallback), locale)));
    }
  }
  return { ...run, results };
}

/** Hands the app one trigger for the run, as a door hands on a verified one, and reads the results it answers with. */
async function handle(app: BaseApp, data: TriggerData, apiEndpoint: string, locale: string): Promise<SendResult[]> {
  const intent = hiddenIntentName(data.event.name as never);
  const requestId = `schedule.${randomUUID()}`;
  const timestamp = new Date().toISOString();
  const request = triggerEnvelope({ intent, timestamp, requestId, apiEndpoint, data }, unsigned(data), locale);
  const trigger: VerifiedTrigger = { intent, event: data.event.name as never, data, apiEndpoint, requestId, request };
  const host = new InProcessHost(handOn(trigger));
  await app.handle(host);
  if (host.error) throw host.error;
  const results = (host.response as { proactiveEvents?: SendResult[] } | undefined)?.proactiveEvents;
  if (!results) throw new Error(`the skill answered the schedule's ${intent} without results`);
  return results;
}

/** A scheduled run carries no signature; this marks it as such wherever its request is seen (a log, a debugger). */
function unsigned(data: TriggerData): string {
  return `schedule:${createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16)}`;
}

/** Jovo's host for a request made in this process: no HTTP, the response kept for the caller. */
class InProcessHost implements Host {
  readonly hasWriteFileAccess = true;
  readonly headers: Record<string, string> = {};
  response?: unknown;
  error?: Error;

  constructor(readonly $request: object) {}

  getRequestObject(): object {
    return this.$request;
  }

  getQueryParams(): Record<string, string> {
    return {};
  }

  async setResponse(response: unknown): Promise<void> {
    this.response = response;
  }

  fail(error: Error): void {
    this.error = error;
  }
}

/** One line for a run: each status counted, then what went wrong for whom (never a token or a secret). */
export function describeRun({ name, scheduledTime, results }: ScheduleRun): string {
  const counts = new Map<string, number>();
  for (const { status } of results) counts.set(status, (counts.get(status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ') || 'nothing sent';
  const problems = results
    .filter(({ status }) => status !== 'accepted' && status !== 'duplicate')
    .slice(0, 3)
    .map(({ user, status, errors }) => `\n    ${user ? `${user}: ` : ''}${status}: ${errors.map(({ path, message }) => (path ? `${path}: ${message}` : message)).join('; ')}`);
  return `Schedule ${name} (${scheduledTime}): ${results[0]?.event ?? 'its event'} ${summary}${problems.join('')}`;
}

/**
 * Runs the app's schedules in this process (`npm start`) until `stop()`, logging each run; returns the runner and
 * a line per schedule with its next time, for the start-up log.
 */
export function runSchedulesLocally(app: BaseApp, log: (line: string) => void = console.log): { runner: ScheduleRunner; lines: string[] } {
  const plugin = app.$plugins.get('ProactiveEvents') as ProactiveEvents | undefined;
  const runner = new ScheduleRunner(plugin?.schedules ?? [], async (schedule, due) => log(describeRun(await runSchedule(app, schedule.name, due))));
  const lines = runner.start().map(({ schedule, next }) => {
    const when = schedule.cron ? `"${schedule.cron}"` : `at ${schedule.at}`;
    const where = plugin?.scheduleEndpoint ? ` to ${plugin.scheduleEndpoint} (PROACTIVE_API_ENDPOINT)` : '';
    return `    ${schedule.name}: ${when} ${schedule.timezone}${where}, next ${next ? next.toISOString() : 'never (its time has passed)'}`;
  });
  return { runner, lines };
}
