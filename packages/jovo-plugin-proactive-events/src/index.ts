/**
 * jovo-plugin-proactive-events: Alexa Proactive Events in a Jovo v3 app. The plugin (`app.use(new
 * ProactiveEvents(...))`, `this.$proactiveEvents`), the hidden intents and skill events as handlers, the doors
 * that verify Alexa's requests and signed triggers (a webhook and a Lambda entry), the serial FileDb, and the
 * trigger client the `proactive-events` script is made of. DynamoDB is its own entry,
 * `jovo-plugin-proactive-events/dynamodb`.
 */
export { ProactiveEvents } from './plugin/ProactiveEvents';
export type { ProactiveEventsOptions } from './plugin/ProactiveEvents';
export { ProactiveEventsContext } from './plugin/context';
export { MAX_USER_SCHEDULES } from './plugin/context';
export type { EventToSend, SendOptions } from './plugin/context';
export type { UserData } from './plugin/changes';
export { hiddenIntentHandlers, proactiveEvents, skillEventHandlers } from './handlers';
export { LISTEN_DEFAULTS, createWebhook, listen } from './doors/webhook';
export type { ListenOptions } from './doors/webhook';
export { createLambdaHandler } from './doors/lambda';
export type { HttpResponse, InvocationTelemetry, LambdaHandler, LambdaOptions } from './doors/lambda';
export type { DoorOptions } from './doors/gate';
export { RefusedError } from './doors/envelope';
export type { RefusalCode } from './doors/envelope';
export { SerialFileDb } from './stores/SerialFileDb';
export { MAX_COUNTED_USERS, STATE_KEY, countSubscribers, readSubscriber, regionName } from './stores/subscribers';
export type { SubscriberCounts, SubscriberRecord } from './stores/subscribers';
export type { PluginErrorCode } from './errors';
export { AppDeclarationSchema, SettingsError, findProjectRoot, readAppDeclaration, readEnvironment } from './config/project';
export type { AppDeclaration, Environment } from './config/project';
export { doorOptions, pluginOptions, readSettings, triggerAudience } from './config/settings';
export type { Settings } from './config/settings';
export { MAX_SCHEDULE_NAME_LENGTH, MAX_USER_SCHEDULE_NAME_LENGTH, ScheduleSchema, UserScheduleSchema, cronProblem, regionsOf } from './schedules/declaration';
export type { PrepareScheduledEvent, Schedule, ScheduledEvent, UserSchedule } from './schedules/declaration';
export { USER_SCHEDULES_KEY, userScheduleKey } from './schedules/users';
export type { ScheduleResult, UserScheduleInput } from './schedules/users';
export { awsExpression, nextRun, nextRuns } from './schedules/times';
export type { DeployTarget } from './schedules/deploy';
export { RemoteUserSchedules, userScheduleInput } from './schedules/remote';
export type { UserSchedulerOptions } from './schedules/remote';
export { ScheduleRunner } from './schedules/runner';
export type { RunnerClock, Timed } from './schedules/runner';
export { describeRun, runSchedule, runSchedulesLocally, runUserSchedule, scheduleReferenceId } from './schedules/run';
export type { ScheduleRun } from './schedules/run';
export { checkTriggerEvent, signTriggers, triggerEvent } from './trigger/client';
export { localSkillId } from './trigger/audience';
export { DEV_SESSION_FILE, DEV_SKILL_ID, readDevSession, removeDevSession, writeDevSession } from './cli/devSession';
export type { DevSession } from './cli/devSession';
export type { EventToTrigger, TriggerHooks, TriggerPlan } from './trigger/client';
