import { createHash, randomUUID } from 'crypto';
import type { Host } from 'jovo-core';
import type { BaseApp } from 'jovo-framework';
import {
  ProactiveEventsError,
  type SendResult,
  type Stage,
  type SummaryRecord,
  type Region,
} from 'alexa-proactive-events';
import {
  MAX_TRIGGER_BATCH,
  hiddenIntentName,
  triggerEnvelope,
  type TriggerData,
  type VerifiedTrigger,
} from 'alexa-proactive-events/trigger';
import {
  REGION_ORIGINS,
  countStatuses,
  refusedResult,
  summaryRecord,
  printable,
  userHash,
} from 'alexa-proactive-events/internal';
import type { PluginErrorCode } from '../errors';
import type { AdmittedTrigger, TriggerCarrier } from '../trigger/admitted';
import type { SendBudget } from './budget';
import { UNKNOWN, USER_TIME_ZONE, regionsOf, type PrepareScheduledEvent, type Schedule, type ScheduledEvent, type UserSchedule } from './declaration';
import { dueZones } from './times';
import { ScheduleRunner } from './runner';
import { userScheduleKey } from './users';

/**
 * What running schedules needs of the app's ProactiveEvents plugin (which has it all): the schedules, where and at
 * which stage they send, the users' own schedules in the app's database, and the bound on their sends.
 */
export interface ScheduleServices {
  /** app.json's schedules. */
  readonly schedules: readonly Schedule[];
  /** The stage a schedule without its own sends at. */
  readonly stage: Stage;
  /** PROACTIVE_API_ENDPOINT: where every scheduled send goes instead of Amazon's regional hosts. */
  readonly scheduleEndpoint?: string;
  /** Fills in or changes a scheduled event before it is validated and sent. */
  readonly prepareScheduledEvent?: PrepareScheduledEvent;
  /** Sends users' own schedules may start in a minute, for the whole skill. */
  readonly userScheduleSendsPerMinute: number;
  now(): number;
  /** The bound on the sends users' own schedules start. */
  userScheduleBudget(): SendBudget;
  /** A user's own schedules as the app's database holds them now, by name. */
  readUserSchedules(userId: string): Promise<Record<string, UserSchedule>>;
  /** Every user's own schedules, when the app's database can list its users; undefined when it cannot. */
  listUserSchedules(): Promise<Array<{ user: string; schedules: UserSchedule[] }> | undefined>;
  /** Calls `follower` with a user's id each time a request changed that user's schedules; returns how to stop. */
  followUserSchedules(follower: (user: string) => void | Promise<void>): () => void;
  /** Hands on the summary of a scheduled run. */
  summarize(record: SummaryRecord): void;
  /** Every zone that has a subscriber (`unknown` when one has none stored); none without a subscriber index. */
  subscriberZones(): Promise<string[]>;
  /** Sends a run's event to the subscribers it addresses (`to: "subscribers"`), in batches, counting what became of them. */
  reachSubscribers(run: SubscriberRun): Promise<FanOutResult>;
}

/** A run (or a trigger) that addresses the skill's subscribers of its event, as the fan-out gets it. */
export interface SubscriberRun {
  kind: 'schedule' | 'trigger';
  /** The schedule's name, or the trigger's hidden intent. */
  name: string;
  /** The time a scheduled run is for. */
  scheduledTime?: string;
  /** What to send and its referenceId (the run's: with each user, the idempotency key); no users. */
  data: TriggerData;
  /** Where a user with no stored region goes; every user, when `data.explicitEndpoint`. */
  apiEndpoint: string;
  locale: string;
  /** The subscribers of these zones (a run at each user's own time; `unknown` for those with none), or all of them. */
  zones?: readonly string[];
  /**
   * All get the same content at the same moment: a Multicast to each region that has subscribers, and to these
   * regions when some subscriber has no region stored.
   */
  multicast?: { fallbackRegions: readonly Region[] };
  /** Milliseconds since the epoch by which a run without a queue must stop (a Lambda invocation's end). */
  deadline?: number;
}

/** What a fan-out came to: its summary (counts only), the first few problems, and why it stopped short, if it did. */
export interface FanOutResult {
  record: SummaryRecord;
  problems: SendResult[];
  unfinished?: string;
}

/** One run of a schedule and what became of each send (one per region of a Multicast, one per user of a Unicast). */
export interface ScheduleRun {
  name: string;
  /** The time the run was for (not when it ran): the referenceId is made of it. */
  scheduledTime: string;
  referenceId: string;
  results: SendResult[];
  /** A user's schedule that the user no longer has (removed, or the skill disabled): nothing was sent. */
  missing?: true;
  /** Why a user's schedule was not run now (over the skill's bound on such sends): run it again later. */
  deferred?: string;
  /** A run to subscribers: its users' counts instead of a result each, and why it stopped short, if it did. */
  fanOut?: FanOutResult;
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
export function runSchedule(app: BaseApp, name: string, scheduledTime: Date, options: { deadline?: number } = {}): Promise<ScheduleRun> {
  return summarized(app, () => runDeclared(app, name, scheduledTime, options.deadline));
}

async function runDeclared(app: BaseApp, name: string, scheduledTime: Date, deadline?: number): Promise<ScheduleRun> {
  const plugin = pluginOf(app);
  const schedule = plugin.schedules.find((declared) => declared.name === name);
  if (!schedule) throw new ProactiveEventsError<PluginErrorCode>('ERR_UNKNOWN_SCHEDULE', `No schedule named ${JSON.stringify(name)} in app.json; it has ${plugin.schedules.map((s) => s.name).join(', ') || 'none'}`);
  const referenceId = scheduleReferenceId(name, scheduledTime);
  const run = { name, scheduledTime: scheduledTime.toISOString(), referenceId };
  const content = await prepare(plugin, { schedule, scheduledTime, event: { event: schedule.event, localizedAttributes: schedule.localizedAttributes } });
  if ('refused' in content) return { ...run, results: [refusedResult(schedule.event.name, referenceId, content.refused)] };
  const data = triggerData(plugin, schedule, content, referenceId);
  const locale = localeOf(content);
  const results: SendResult[] = [];
  if (schedule.to === 'subscribers') {
    const [fallback] = regionsOf(schedule);
    const userTime = schedule.timezone === USER_TIME_ZONE;
    const zones = userTime ? await dueSubscriberZones(plugin, schedule, scheduledTime) : undefined;
    const fanOut = await plugin.reachSubscribers({
      kind: 'schedule',
      name,
      scheduledTime: run.scheduledTime,
      data,
      apiEndpoint: endpointOf(plugin, fallback),
      locale,
      ...(zones ? { zones } : { multicast: { fallbackRegions: regionsOf(schedule) } }),
      ...(deadline !== undefined && { deadline }),
    });
    return { ...run, results: [], fanOut };
  } else if (schedule.to === 'all') {
    // One send per host: with PROACTIVE_API_ENDPOINT every region is the same one.
    for (const apiEndpoint of new Set(regionsOf(schedule).map((region) => endpointOf(plugin, region)))) results.push(...(await handle(app, { ...data }, apiEndpoint, locale)));
  } else {
    const [fallback] = regionsOf(schedule);
    for (let at = 0; at < schedule.to.users.length; at += MAX_TRIGGER_BATCH) {
      results.push(...(await handle(app, { ...data, users: schedule.to.users.slice(at, at + MAX_TRIGGER_BATCH) }, endpointOf(plugin, fallback), locale)));
    }
  }
  return { ...run, results };
}

/**
 * Runs one user's own schedule (`this.$proactiveEvents.schedule`), read from their stored data, as a Unicast to
 * them in their stored region through the same path; refused, sending nothing, when they no longer have it.
 */
export function runUserSchedule(app: BaseApp, user: string, name: string, scheduledTime: Date): Promise<ScheduleRun> {
  return summarized(app, () => runOwn(app, user, name, scheduledTime));
}

async function runOwn(app: BaseApp, user: string, name: string, scheduledTime: Date): Promise<ScheduleRun> {
  const plugin = pluginOf(app);
  const key = userScheduleKey(user, name);
  const referenceId = scheduleReferenceId(key, scheduledTime);
  const run = { name: key, scheduledTime: scheduledTime.toISOString(), referenceId };
  const stored = await plugin.readUserSchedules(user);
  const schedule = Object.hasOwn(stored, name) ? stored[name] : undefined;
  if (!schedule) {
    const reason = `the user has no schedule named ${JSON.stringify(name)} (removed, or the skill disabled); nothing was sent`;
    return { ...run, results: [{ ...refusedResult(null, referenceId, reason), user }], missing: true };
  }
  if (!(await plugin.userScheduleBudget().take(plugin.now()))) {
    const most = plugin.userScheduleSendsPerMinute;
    return { ...run, results: [], deferred: `users' schedules have started ${most} sends this minute, the most the skill lets them (userScheduleSendsPerMinute)` };
  }
  const content = await prepare(plugin, { schedule, user, scheduledTime, event: { event: schedule.event, localizedAttributes: schedule.localizedAttributes } });
  if ('refused' in content) return { ...run, results: [{ ...refusedResult(schedule.event.name, referenceId, content.refused), user }] };
  const data = { ...triggerData(plugin, schedule, content, referenceId), users: [user] };
  return { ...run, results: await handle(app, data, endpointOf(plugin, 'NA'), localeOf(content)) };
}

/**
 * The zones whose subscribers a run at each user's own time reaches at `scheduledTime`: those of the stored zones
 * (and of `defaultTimezone`, for subscribers with none) where its time falls since the tick before.
 */
async function dueSubscriberZones(plugin: ScheduleServices, schedule: Schedule, scheduledTime: Date): Promise<string[]> {
  const stored = await plugin.subscriberZones();
  const due = new Set(dueZones(schedule, scheduledTime, [...stored.filter((zone) => zone !== UNKNOWN), schedule.defaultTimezone!]));
  const zones = stored.filter((zone) => due.has(zone));
  // Subscribers whose zone is not known yet run at the default zone's time.
  if (due.has(schedule.defaultTimezone!) && stored.includes(UNKNOWN)) zones.push(UNKNOWN);
  return zones;
}

/** `run`, ended by its summary record (the plugin's `onSummary`). */
async function summarized(app: BaseApp, run: () => Promise<ScheduleRun>): Promise<ScheduleRun> {
  const startedAt = performance.now();
  const done = await run();
  const record = done.fanOut?.record ?? summaryRecord('schedule', done.name, done.results, performance.now() - startedAt, done.scheduledTime);
  pluginOf(app).summarize(record);
  return done;
}

function pluginOf(app: BaseApp): ScheduleServices {
  const plugin = app.$plugins.get('ProactiveEvents') as ScheduleServices | undefined;
  if (!plugin) throw new ProactiveEventsError<PluginErrorCode>('ERR_NO_PLUGIN', 'runSchedule: the app has no ProactiveEvents plugin: app.use(new ProactiveEvents({ events, ... })) after the Alexa platform');
  return plugin;
}

/** The event of this run: the declared one, or what the plugin's hook made of it (a hook that throws sends nothing). */
async function prepare(plugin: ScheduleServices, run: Parameters<PrepareScheduledEvent>[0]): Promise<ScheduledEvent | { refused: string }> {
  try {
    return plugin.prepareScheduledEvent ? await plugin.prepareScheduledEvent(run) : run.event;
  } catch (error) {
    return { refused: `prepareScheduledEvent failed: ${(error as Error).message}; nothing was sent` };
  }
}

function triggerData(plugin: ScheduleServices, schedule: Schedule | UserSchedule, content: ScheduledEvent, referenceId: string): TriggerData {
  return {
    event: content.event,
    localizedAttributes: content.localizedAttributes?.map((entry) => ({ ...entry })),
    referenceId,
    expiresInMinutes: schedule.expiresInMinutes,
    stage: schedule.stage ?? plugin.stage,
    // PROACTIVE_API_ENDPOINT (the emulator) takes every scheduled send; otherwise a Unicast user's stored region wins.
    explicitEndpoint: plugin.scheduleEndpoint !== undefined,
  };
}

function endpointOf(plugin: ScheduleServices, region: Region): string {
  return plugin.scheduleEndpoint ?? REGION_ORIGINS[region];
}

function localeOf(content: ScheduledEvent): string {
  return content.localizedAttributes?.[0]?.locale ?? 'en-US';
}

/** Hands the app one trigger for the run, as a door hands on a verified one, and reads the results it answers with. */
export async function handle(app: BaseApp, data: TriggerData, apiEndpoint: string, locale: string): Promise<SendResult[]> {
  const intent = hiddenIntentName(data.event.name as never);
  const requestId = `schedule.${randomUUID()}`;
  const timestamp = new Date().toISOString();
  const request = triggerEnvelope({ skillId: SCHEDULED_RUN, intent, timestamp, requestId, apiEndpoint, data }, unsigned(data), locale);
  const trigger: VerifiedTrigger = { intent, event: data.event.name as never, data, apiEndpoint, requestId, request };
  const host = new InProcessHost({ trigger, via: 'schedule' });
  await app.handle(host);
  if (host.error) throw host.error;
  const results = (host.response as { proactiveEvents?: SendResult[] } | undefined)?.proactiveEvents;
  if (!results) throw new ProactiveEventsError<PluginErrorCode>('ERR_SCHEDULE_UNANSWERED', `the skill answered the schedule's ${intent} without results: a handler of the app answered it instead of the plugin's`);
  return results;
}


/** The application id of a scheduled run's request: it comes from no skill's door, and names none. */
const SCHEDULED_RUN = 'proactive-events.scheduled-run';

/** A scheduled run carries no signature; this marks it as such wherever its request is seen (a log, a debugger). */
function unsigned(data: TriggerData): string {
  return `schedule:${createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16)}`;
}

/** Jovo's host for a scheduled run's request, made in this process: no HTTP, the response kept for the caller. */
class InProcessHost implements Host, TriggerCarrier {
  readonly hasWriteFileAccess = true;
  readonly headers: Record<string, string> = {};
  readonly $request: object;
  response?: unknown;
  error?: Error;

  constructor(readonly admittedTrigger: AdmittedTrigger) {
    this.$request = admittedTrigger.trigger.request;
  }

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
export function describeRun({ name, scheduledTime, results, deferred, fanOut }: ScheduleRun): string {
  if (deferred) return `Schedule ${name} (${scheduledTime}): deferred, nothing sent: ${deferred}`;
  if (fanOut) return describeFanOut(`Schedule ${printable(name)} (${scheduledTime})`, fanOut);
  const summary = Object.entries(countStatuses(results)).map(([status, n]) => `${n} ${status}`).join(', ') || 'nothing sent';
  return `Schedule ${printable(name)} (${scheduledTime}): ${results[0]?.event ?? 'its event'} ${summary}${problemLines(results)}`;
}

/** The first few problems of a run, a line each, naming the user by hash. */
function problemLines(results: readonly SendResult[]): string {
  return results
    .filter(({ status }) => status !== 'accepted' && status !== 'duplicate')
    .slice(0, 3)
    .map(({ user, status, errors }) => `\n    ${user ? `user ${userHash(user)}: ` : ''}${status}: ${printable(errors.map(({ path, message }) => (path ? `${path}: ${message}` : message)).join('; '))}`)
    .join('');
}

/** One line for a run or trigger that addressed subscribers: its plan, its users' counts, what stopped it short. */
export function describeFanOut(what: string, { record, problems, unfinished }: FanOutResult): string {
  const fan = record.fanOut!;
  const statuses = Object.entries(record.statuses).map(([status, n]) => `${n} ${status}`).join(', ') || 'nothing sent yet';
  const users = fan.plan.startsWith('multicast') ? '' : `, ${fan.usersDue} users due${fan.enqueued > 0 ? `, ${fan.enqueued} enqueued` : ''}`;
  const more = [fan.throttled > 0 && `${fan.throttled} throttled`, fan.deadLettered > 0 && `${fan.deadLettered} dead-lettered`].filter(Boolean).join(', ');
  return `${what}: ${record.event ?? 'its event'} to subscribers (${fan.plan}${users}): ${statuses}${more ? `, ${more}` : ''}${unfinished ? `\n    unfinished: ${printable(unfinished)}` : ''}${problemLines(problems)}`;
}

/**
 * Runs the app's schedules in this process (`npm start`) until `stop()`, logging each run, and the schedules users
 * set up from a handler: those the database holds (when it can list its users, as SerialFileDb can) and each one
 * added, changed or removed while it runs. Returns the runner and the start-up log's lines: a line per schedule
 * of app.json with its next time, and how many users' schedules run; `stop()` ends all of it.
 */
export async function runSchedulesLocally(app: BaseApp, log: (line: string) => void = console.log): Promise<{ runner: ScheduleRunner<Schedule | UserSchedule>; lines: string[]; stop: () => void }> {
  const plugin = app.$plugins.get('ProactiveEvents') as ScheduleServices | undefined;
  const runner = new ScheduleRunner<Schedule | UserSchedule>(plugin?.schedules ?? [], async (schedule, due) => log(describeRun(await runSchedule(app, schedule.name, due))));
  const where = plugin?.scheduleEndpoint ? ` to ${plugin.scheduleEndpoint} (PROACTIVE_API_ENDPOINT)` : '';
  const lines = runner.start().map(({ schedule, next }) => {
    const when = schedule.cron ? `"${schedule.cron}"` : `at ${schedule.at}`;
    const zone = schedule.timezone === USER_TIME_ZONE ? `in each subscriber's zone (default ${(schedule as Schedule).defaultTimezone}), looking every quarter hour` : schedule.timezone;
    return `    ${schedule.name}: ${when} ${zone}${where}, next ${next ? next.toISOString() : 'never (its time has passed)'}`;
  });
  if (!plugin) return { runner, lines, stop: () => runner.stop() };
  const follow = (user: string, schedules: readonly UserSchedule[], quiet = false) => {
    const gone = new Set(runner.keys(userScheduleKey(user)));
    for (const schedule of schedules) {
      const key = userScheduleKey(user, schedule.name);
      gone.delete(key);
      // Unchanged by this request: it keeps running, and there is nothing to log.
      if (JSON.stringify(runner.get(key)) === JSON.stringify(schedule)) continue;
      const next = runner.set(key, schedule, (own, due) => runOwnLocally(user, own.name, due));
      if (!quiet) log(`Schedule ${key}: set up by its user, next ${next ? next.toISOString() : 'never (its time has passed)'}`);
    }
    for (const key of gone) {
      runner.delete(key);
      if (!quiet) log(`Schedule ${key}: removed (by its user, or with the skill disabled)`);
    }
  };
  let stopped = false;
  // A run past the skill's bound tries again at the start of each minute (same scheduled time: same referenceId).
  const runOwnLocally = async (user: string, name: string, due: Date) => {
    for (let tries = 0; !stopped; tries++) {
      const run = await runUserSchedule(app, user, name, due);
      if (!run.deferred || tries === 0) log(describeRun(run));
      if (!run.deferred) return;
      await new Promise((resolve) => setTimeout(resolve, 60_000 - (plugin.now() % 60_000) + Math.random() * 1000).unref());
    }
  };
  const stored = await plugin.listUserSchedules();
  for (const { user, schedules } of stored ?? []) follow(user, schedules, true);
  // One user's changes are read one after another, each from the database as it is then: the last read has them all,
  // however the requests that made them overlapped.
  const reading = new Map<string, Promise<void>>();
  const unfollow = plugin.followUserSchedules((user) => {
    const read = (reading.get(user) ?? Promise.resolve())
      .then(async () => follow(user, Object.values(await plugin.readUserSchedules(user))))
      .catch((error: Error) => log(`Schedules of user ${userHash(user)} could not be read: ${printable(error.message)}`));
    reading.set(user, read);
    void read.then(() => reading.get(user) === read && reading.delete(user));
    return read;
  });
  const stop = () => {
    stopped = true;
    unfollow();
    runner.stop();
  };
  const count = runner.keys('u.').length;
  lines.push(
    stored
      ? `  Runs ${count} schedule${count === 1 ? '' : 's'} users set up (this.$proactiveEvents.schedule)${where}.`
      : "  Runs the schedules users set up from now on (this database cannot list its users: one set up before this start runs once that user's data is saved again).",
  );
  return { runner, lines, stop };
}
