import type { RemoteUserSchedules } from '../schedules/remote';
import type { EventName, ProactiveEventsSender, SubscriberPolicy, SummaryRecord } from 'alexa-proactive-events';
import type { ReplayStore } from 'alexa-proactive-events/trigger';
import type { UserSchedule } from '../schedules/declaration';
import type { FanOutQueue } from '../fanout/queue';
import type { FanOutResult, SubscriberRun } from '../schedules/run';
import type { SubscriberCounts } from '../stores/subscriberCounts';
import type { SubscriberRecord } from '../stores/subscribers';
import type { AtomicUserStore } from '../stores/userChanges';

/** What a request's `this.$proactiveEvents` needs of the plugin that made it. */
export interface PluginServices {
  /** The events the skill publishes. */
  readonly events: readonly EventName[];
  /** Default lifetime of an event, in minutes. */
  readonly expiresInMinutes: number;
  /** Sends the events; none when the skill has no credentials. */
  readonly sender?: ProactiveEventsSender;
  now(): number;
  /** What may be stored of a user's state, as of now. */
  policy(): SubscriberPolicy;
  /** Another user's stored state, from the app's database. */
  readSubscriber(userId: string): Promise<SubscriberRecord | undefined>;
  /** A user's own schedules as the app's database holds them now, by name. */
  readUserSchedules(userId: string): Promise<Record<string, UserSchedule>>;
  /** The app's database, when it changes one user in one step (SerialFileDb, DynamoDb). */
  userStore(): AtomicUserStore | undefined;
  /** The column of Jovo's user data in the app's database (`userData`). */
  columnName(): string;
  /** Whether anything runs the schedules users set up (this process, or EventBridge Scheduler). */
  readonly runsUserSchedules: boolean;
  /** Users' own schedules in EventBridge Scheduler, if the plugin keeps them there. */
  readonly remoteUserSchedules?: RemoteUserSchedules;
  /** The subscribers, as counts, through the database's subscriber index; undefined when it keeps none. */
  countSubscribers(): Promise<SubscriberCounts | undefined>;
  /** Hands on the summary of a fan-out's batch or a scheduled run (the plugin's `onSummary`). */
  summarize(record: SummaryRecord): void;
  /** Where accepted triggers are remembered. */
  replays(): ReplayStore;
  /** The fan-out queue (FANOUT_QUEUE_URL), when there is one: a check reports its depth. */
  readonly fanOutQueue?: FanOutQueue;
  /** Sends a trigger's event to every subscriber (`--to subscribers`), in batches, counting what became of them. */
  reachSubscribers(run: SubscriberRun): Promise<FanOutResult>;
}
