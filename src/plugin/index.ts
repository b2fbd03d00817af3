/** The Jovo v3 side: a plugin over the framework-free library in ../proactive. */
export { ProactiveEvents } from './ProactiveEvents';
export { ProactiveEventsContext } from './ProactiveEventsContext';
export type { EventToSend, SendOptions, TriggerResult, UserData } from './ProactiveEventsContext';
export type { ProactiveEventsOptions } from './ProactiveEvents';
export { SerialFileDb } from './SerialFileDb';
export type { DynamoDbOptions } from './DynamoDb';
export { STATE_KEY, readSubscriber } from './subscribers';
export type { SubscriberRecord } from './subscribers';
