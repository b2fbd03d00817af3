/**
 * The Proactive Events library: no Jovo import anywhere below this folder, so plain Node code and other
 * frameworks can use it alone. Everything it offers is named here.
 */
export {
  EVENT_NAMES,
  HIDDEN_INTENT_NAMES,
  NOTIFICATIONS_PERMISSION,
  eventType,
  hiddenIntentName,
  isEventName,
} from './events';
export type { EventName } from './events';
export {
  SubscriberStateSchema,
  applySubscriberChange,
  isAtLeastAsNew,
  subscribedEventNames,
} from './subscriptions';
export type { SubscriberChange, SubscriberState } from './subscriptions';
