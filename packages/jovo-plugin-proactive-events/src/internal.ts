/**
 * jovo-plugin-proactive-events/internal: what the plugin shares with the template built on it and with its own
 * command line: the app.json schema and readers, schedule times, the trigger client, the dev session. It follows no
 * semantic versioning: use the main entry, whose names are kept; this one changes with any release.
 */
export { MAX_USER_SCHEDULES } from './plugin/context';
export type { UserData } from './plugin/changes';
export { LISTEN_DEFAULTS } from './doors/webhook';
export { STATE_KEY, regionName } from './stores/subscribers';
export { MAX_COUNTED_USERS, countSubscribers } from './stores/subscriberCounts';
export { INDEX, UNKNOWN, indexEntry } from './stores/subscriberIndex';
export { SUBSCRIBER_ZONES_KEY } from './stores/keys';
export type { SubscriberCounts } from './stores/subscriberCounts';
export { AppDeclarationSchema, findProjectRoot, readAppDeclaration, readEnvironment } from './config/project';
export type { AppDeclaration, Environment } from './config/project';
export { SETTINGS_VARIABLES, triggerAudience } from './config/settings';
export { MAX_SCHEDULE_NAME_LENGTH, MAX_USER_SCHEDULE_NAME_LENGTH, ScheduleSchema, UserScheduleSchema, cronProblem, regionsOf } from './schedules/declaration';
export { USER_SCHEDULES_KEY, userScheduleKey } from './schedules/users';
export { awsExpression, dueZones, nextRun, nextRuns, userTimeTicks } from './schedules/times';
export type { DeployTarget } from './schedules/deploy';
export { RemoteUserSchedules, userScheduleInput } from './schedules/remote';
export { ScheduleRunner } from './schedules/runner';
export type { RunnerClock, Timed } from './schedules/runner';
export { describeRun, runUserSchedule, scheduleReferenceId } from './schedules/run';
export { checkTriggerEvent, signTriggers } from './trigger/client';
export { localSkillId } from './trigger/audience';
export { DEV_SESSION_FILE, DEV_SKILL_ID, readDevSession, removeDevSession, writeDevSession } from './cli/devSession';
export type { DevSession } from './cli/devSession';
