/**
 * jovo-plugin-proactive-events: Alexa Proactive Events in a Jovo v3 app. The plugin (`app.use(new
 * ProactiveEvents(...))`, `this.$proactiveEvents`), the hidden intents and skill events as handlers, the doors
 * that verify Alexa's requests and signed triggers (a webhook and a Lambda entry), the serial FileDb, schedules, and
 * the one settings reader. DynamoDB is its own entry, `jovo-plugin-proactive-events/dynamodb`.
 */

// The plugin and what handlers use.
export { ProactiveEvents } from './plugin/ProactiveEvents';
export type { ProactiveEventsOptions } from './plugin/ProactiveEvents';
export { ProactiveEventsContext } from './plugin/context';
export type { EventToSend, SendOptions } from './plugin/context';
export { hiddenIntentHandlers, proactiveEvents, skillEventHandlers } from './handlers';
export type { ScheduleResult, UserScheduleInput } from './schedules/users';

// The doors: a webhook and a Lambda entry that verify Alexa's requests and signed triggers.
export { createWebhook, listen } from './doors/webhook';
export type { ListenOptions } from './doors/webhook';
export { createLambdaHandler } from './doors/lambda';
export type { HttpResponse, InvocationTelemetry, LambdaHandler, LambdaOptions } from './doors/lambda';
export type { DoorOptions } from './doors/gate';
export type { AlexaVerifierOptions } from './doors/alexaVerifier';
export { RefusedError } from './doors/envelope';
export type { RefusalCode } from './doors/envelope';

// Sending a trigger from code, as the trigger script does.
export { triggerEvent } from './trigger/client';
export type { EventToTrigger, TriggerHooks, TriggerPlan } from './trigger/client';

// Storage.
export { SerialFileDb } from './stores/SerialFileDb';
export { readSubscriber } from './stores/subscribers';
export type { SubscriberRecord } from './stores/subscribers';

// Schedules.
export type { PrepareScheduledEvent, Schedule, ScheduledEvent, UserSchedule } from './schedules/declaration';
export type { UserSchedulerOptions } from './schedules/target';
export { runSchedule, runSchedulesLocally } from './schedules/run';
export type { ScheduleRun } from './schedules/run';

// Settings and errors.
export { SettingsError } from './config/project';
export { doorOptions, pluginOptions, readSettings } from './config/settings';
export type { Settings } from './config/settings';
export type { PluginErrorCode } from './errors';
