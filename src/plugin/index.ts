/** The Jovo v3 side: a plugin over the framework-free library in ../proactive. */
export { ProactiveEvents, ProactiveEventsContext } from './ProactiveEvents';
export type { ProactiveEventsOptions } from './ProactiveEvents';
export { SerialFileDb } from './SerialFileDb';
export { STATE_KEY, readSubscriber } from './subscribers';
export type { SubscriberRecord } from './subscribers';
