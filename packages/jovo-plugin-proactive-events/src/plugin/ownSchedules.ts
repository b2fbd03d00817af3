import type { Jovo } from 'jovo-framework';
import { Log } from 'jovo-core';
import { type Issue } from 'alexa-proactive-events';
import { describeIssue, printable, quoted } from 'alexa-proactive-events/internal';
import type { UserSchedule } from '../schedules/declaration';
import { nextRun } from '../schedules/times';
import { USER_SCHEDULES_KEY, checkUserSchedule, storedUserSchedules, userScheduleKey, type ScheduleResult, type UserScheduleInput } from '../schedules/users';
import { STATE_KEY, parseState } from '../stores/subscribers';
import type { UserChange } from '../stores/userChanges';
import type { StateChanges, UserData } from './changes';
import type { PluginServices } from './services';

/** A user may keep this many schedules of their own; one more is refused. */
export const MAX_USER_SCHEDULES = 20;

/** The request whose user sets up or removes a schedule of their own. */
export interface ScheduleRequest {
  jovo: Jovo;
  plugin: PluginServices;
  /** The request's changes to the user's state: the state as loaded tells whether a disable came meanwhile. */
  changes: StateChanges;
}

/** `this.$proactiveEvents.schedule(input)`: see ProactiveEventsContext.schedule. */
export async function scheduleForUser(request: ScheduleRequest, input: UserScheduleInput): Promise<ScheduleResult> {
  const { jovo, plugin } = request;
  const user = jovo.$user.getId();
  const name = typeof input?.name === 'string' ? input.name : null;
  const refuse = (errors: ScheduleResult['errors']): ScheduleResult => {
    Log.warn(printable(`ProactiveEvents: schedule ${name === null ? '(no name)' : quoted(name, 80)} refused: ${errors.map(describeIssue).join('; ')}`));
    return { status: 'refused', name, errors, warnings: [] };
  };
  if (!user) return refuse([{ path: '', message: 'this request has no user, so there is nobody to keep a schedule for' }]);
  const now = new Date(plugin.now());
  const checked = checkUserSchedule(input, plugin.events, user, now);
  if ('errors' in checked) return refuse(checked.errors);
  const { schedule } = checked;
  let problem: Issue | undefined;
  let previous: UserSchedule | undefined;
  await updateSchedules(request, now, (schedules, disabledMeanwhile) => {
    const replacing = Object.hasOwn(schedules, schedule.name);
    problem = disabledMeanwhile ? DISABLED_MEANWHILE : !replacing && Object.keys(schedules).length >= MAX_USER_SCHEDULES ? tooMany(schedule.name) : undefined;
    previous = replacing ? schedules[schedule.name] : undefined;
    return problem ? undefined : { ...schedules, [schedule.name]: schedule };
  });
  if (problem) return refuse([problem]);
  const remote = plugin.remoteUserSchedules;
  if (remote) {
    try {
      await remote.put(user, schedule);
    } catch (error) {
      // What Scheduler still runs is what the table had: the one this replaced, or none.
      await updateSchedules(request, now, (schedules) =>
        isSame(schedules[schedule.name], schedule) ? (previous ? { ...schedules, [schedule.name]: previous } : without(schedules, schedule.name)) : undefined,
      );
      return refuse([{ path: '', message: `EventBridge Scheduler did not keep it: ${(error as Error).name}: ${(error as Error).message}; nothing was kept` }]);
    }
    // Scheduler must run what the table keeps now: nothing if the user disabled the skill (or removed it)
    // meanwhile, another request's version if one replaced it meanwhile.
    const stored = await plugin.readUserSchedules(user);
    const kept = Object.hasOwn(stored, schedule.name) ? stored[schedule.name] : undefined;
    if (!isSame(kept, schedule)) {
      await (kept ? remote.put(user, kept) : remote.delete(user, schedule.name)).catch(() => undefined);
      return refuse([kept ? REPLACED_MEANWHILE : DISABLED_MEANWHILE]);
    }
  }
  const warnings: ScheduleResult['warnings'] = [];
  // As a run judges: a user the skill has no subscriptions on record for is sent to (Amazon decides).
  const subscribed = request.changes.state?.subscriptions;
  if (subscribed && !subscribed.includes(schedule.event.name)) {
    warnings.push({ path: 'event.name', message: `this user is not subscribed to ${schedule.event.name}: each run skips them until they turn it on`, value: schedule.event.name });
  }
  if (!plugin.runsUserSchedules) {
    warnings.push({ path: '', message: "nothing runs users' schedules here (npm start and npm run dev do; on AWS, set PROACTIVE_SCHEDULE_GROUP and its two ARNs): it is kept with the user" });
  }
  return { status: 'scheduled', name: schedule.name, next: nextRun(schedule, now)!, errors: [], warnings };
}

/** `this.$proactiveEvents.unschedule(name)`: see ProactiveEventsContext.unschedule. */
export async function unscheduleForUser(request: ScheduleRequest, name: string): Promise<boolean> {
  const { jovo, plugin } = request;
  const user = jovo.$user.getId();
  if (!user) return false;
  let removed = false;
  await updateSchedules(request, new Date(plugin.now()), (schedules) => {
    removed = Object.hasOwn(schedules, name);
    return removed ? without(schedules, name) : undefined;
  });
  if (!removed) return false;
  await plugin.remoteUserSchedules?.delete(user, name).catch((error: Error) => warnUndeleted(user, name, error));
  return true;
}

/** One log line for a schedule EventBridge Scheduler did not delete: its next run finds it gone, and deletes it. */
export function warnUndeleted(user: string, name: string, error: Error): void {
  Log.warn(printable(`ProactiveEvents: could not delete ${userScheduleKey(user, name)} from EventBridge Scheduler (its next run will): ${error.message}`));
}

/**
 * Changes this user's own schedules as one step of the app's database (SerialFileDb, DynamoDb: `updateUser`), on
 * what it holds now rather than what this request loaded, and shows the result in `this.$user.$data`; with
 * another database, in this request's data, which Jovo saves at the end of the request. `change` gets the
 * schedules that will still run, and whether the user disabled the skill since this request loaded them, and
 * returns them changed, or undefined to change nothing.
 */
async function updateSchedules(
  { jovo, plugin, changes }: ScheduleRequest,
  now: Date,
  change: (schedules: Record<string, UserSchedule>, disabledMeanwhile: boolean) => Record<string, UserSchedule> | undefined,
): Promise<void> {
  const user = jovo.$user.getId()!;
  const store = plugin.userStore();
  const update = (column: UserData | undefined): UserData | undefined => {
    const data = column?.data ?? {};
    const next = change(runningSchedules(data, now), parseState(data[STATE_KEY])?.disabledAt !== changes.loaded?.disabledAt);
    return next && { ...column, data: { ...data, [USER_SCHEDULES_KEY]: next } };
  };
  if (!store) {
    const changed = update({ data: jovo.$user.$data });
    if (changed) jovo.$user.$data = changed.data!;
    return;
  }
  const stored = (await store.updateUser(user, plugin.columnName(), update as UserChange)) as UserData | undefined;
  const schedules = stored?.data?.[USER_SCHEDULES_KEY];
  jovo.$user.$data = schedules === undefined ? without(jovo.$user.$data ?? {}, USER_SCHEDULES_KEY) : { ...jovo.$user.$data, [USER_SCHEDULES_KEY]: schedules };
}

/** The schedules in a user's data that will still run (a one-off whose time has passed is gone, as on AWS). */
export function runningSchedules(data: Record<string, unknown> | undefined, now: Date): Record<string, UserSchedule> {
  return Object.fromEntries(Object.entries(storedUserSchedules(data)).filter(([, schedule]) => nextRun(schedule, now)));
}

const DISABLED_MEANWHILE: Issue = { path: '', message: 'the user disabled the skill while this request ran; nothing was kept' };
const REPLACED_MEANWHILE: Issue = { path: 'name', message: "another request of the user set up a schedule of this name meanwhile; that one is kept, and this one is not" };

function tooMany(name: string): Issue {
  return { path: 'name', message: `this user has ${MAX_USER_SCHEDULES} schedules already, the most one may keep: unschedule one first`, value: name };
}

function isSame(a: unknown, b: unknown): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}
