import type { SubscriberState } from 'alexa-proactive-events';
import { regionName } from './subscribers';

/**
 * Finding a run's users without reading every user: each store keeps its subscribers indexed by time zone and by
 * region (DynamoDB in two sparse global secondary indexes declared in infra/template.yaml, SerialFileDb in memory),
 * so that a run costs what its zones' subscribers cost.
 */

/** The index key of a subscriber whose time zone (or region) the skill does not know. */
export const UNKNOWN = 'unknown';

/** The DynamoDB attributes and indexes (infra/template.yaml declares the same; a test holds them equal). */
export const INDEX = {
  zoneAttribute: 'subscriberZone',
  regionAttribute: 'subscriberRegion',
  eventsAttribute: 'subscribedEvents',
  byZone: 'bySubscriberZone',
  byRegion: 'bySubscriberRegion',
} as const;

/** What a store keeps of a subscriber in its indexes: absent for a user subscribed to nothing. */
export interface IndexEntry {
  /** The user's stored IANA time zone, or UNKNOWN. */
  zone: string;
  /** NA, EU, FE, the origin of another allowed host, or UNKNOWN. */
  region: string;
  /** The events the user is subscribed to (at least one). */
  events: string[];
}

/** A subscriber as an index lists them. */
export interface IndexedSubscriber {
  userId: string;
  zone: string;
  region: string;
}

/** Which subscribers: those in these zones, or those in these regions (UNKNOWN for none stored). */
export type SubscriberFilter = { zones: readonly string[] } | { regions: readonly string[] };

/** A user store that finds subscribers through its indexes (SerialFileDb, DynamoDb). */
export interface SubscriberIndex {
  /**
   * The users subscribed to `event` in `where`'s zones or regions, a page at a time (at most `pageSize` users a
   * page, none of them twice in one listing), reading only what the index holds of those zones or regions.
   */
  subscribers(event: string, where: SubscriberFilter, pageSize?: number): AsyncIterable<IndexedSubscriber[]>;
  /** Every zone that has a subscriber to any event (UNKNOWN when one has none stored): a run checks which are due. */
  subscriberZones(): Promise<string[]>;
}

/** The index entry of a stored state: undefined when the user is subscribed to nothing (and so in no index). */
export function indexEntry(state: SubscriberState | undefined): IndexEntry | undefined {
  const events = state?.subscriptions ?? [];
  if (events.length === 0) return undefined;
  return { zone: state?.timeZone ?? UNKNOWN, region: state?.apiEndpoint ? regionName(state.apiEndpoint) : UNKNOWN, events: [...events] };
}

/** The app's database, when it keeps subscriber indexes. */
export function subscriberIndex(db: unknown): SubscriberIndex | undefined {
  const candidate = db as Partial<SubscriberIndex> | undefined;
  return typeof candidate?.subscribers === 'function' && typeof candidate.subscriberZones === 'function' ? (candidate as SubscriberIndex) : undefined;
}
