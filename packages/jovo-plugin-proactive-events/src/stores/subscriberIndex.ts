import { OptionsError, type Issue, type SubscriberState } from 'alexa-proactive-events';
import { REGIONS } from 'alexa-proactive-events/internal';
import { UNKNOWN } from '../schedules/declaration';
import { regionName } from './subscribers';

/**
 * Finding a run's users without reading every user: each store keeps its subscribers indexed by time zone and by
 * region (DynamoDB in two sparse global secondary indexes declared in infra/template.yaml, SerialFileDb in memory),
 * so that a run costs what its zones' subscribers cost.
 */

/** The index key of a subscriber whose time zone (or region) the skill does not know. */
export { UNKNOWN };

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

/** Users a page of a listing holds when the caller does not say (FANOUT_BATCH_SIZE's default). */
export const SUBSCRIBER_PAGE_SIZE = 100;

/** A user store that finds subscribers through its indexes (SerialFileDb, DynamoDb). */
export interface SubscriberIndex {
  /**
   * The users subscribed to `event` in `where`'s zones or regions, a page at a time (at most `pageSize` users a
   * page, default SUBSCRIBER_PAGE_SIZE; no page empty), reading only what the index holds of those zones or
   * regions. A user is listed once, in the zone (or region) stored for them; on DynamoDB, whose indexes are
   * eventually consistent, a user whose zone changes while a listing runs may appear in both zones, or in neither.
   * A zone or region that is no non-empty string, or a pageSize that is no whole number from 1, is refused
   * (an OptionsError, at the first page).
   */
  subscribers(event: string, where: SubscriberFilter, pageSize?: number): AsyncIterable<IndexedSubscriber[]>;
  /** Every zone that has a subscriber to any event (UNKNOWN when one has none stored): a run checks which are due. */
  subscriberZones(): Promise<string[]>;
}

/** Every region key a subscriber can be indexed under: Amazon's regions, each of `origins` (allowed hosts), and UNKNOWN. */
export function regionKeys(origins: Iterable<string>): string[] {
  return [...new Set([...REGIONS, ...[...origins].map(regionName), UNKNOWN])];
}

/** The index entry of a stored state: undefined when the user is subscribed to nothing (and so in no index). */
// An empty time zone counts as none: DynamoDB refuses an empty string as an index key.
export function indexEntry(state: SubscriberState | undefined): IndexEntry | undefined {
  const events = [...new Set(state?.subscriptions ?? [])];
  if (events.length === 0) return undefined;
  return { zone: state?.timeZone || UNKNOWN, region: state?.apiEndpoint ? regionName(state.apiEndpoint) : UNKNOWN, events };
}

/** The index a listing reads (by zone or by region) and its keys, each once; refuses an empty key or page size. */
export function listingOf(where: SubscriberFilter, pageSize: number): { by: 'zone' | 'region'; keys: string[]; pageSize: number } {
  const [by, field, keys] = 'zones' in where ? (['zone', 'zones', where.zones] as const) : (['region', 'regions', where.regions] as const);
  const issues: Issue[] = [];
  keys.forEach((key, i) => {
    if (typeof key !== 'string' || key === '') issues.push({ path: `${field}[${i}]`, message: `expected a ${by === 'zone' ? 'time zone (IANA)' : 'region'} or "${UNKNOWN}"`, value: key });
  });
  if (!Number.isInteger(pageSize) || pageSize < 1) issues.push({ path: 'pageSize', message: 'expected a whole number from 1', value: pageSize });
  if (issues.length > 0) throw new OptionsError('A subscriber listing', issues);
  return { by, keys: [...new Set(keys)], pageSize };
}

/** `source`'s subscribers in pages of `size` (the last one shorter), none empty: holds at most one page and one source batch. */
export async function* pagesOf<T>(source: AsyncIterable<T[]> | Iterable<T[]>, size: number): AsyncIterable<T[]> {
  let page: T[] = [];
  for await (const batch of source) {
    for (const item of batch) {
      page.push(item);
      if (page.length === size) {
        yield page;
        page = [];
      }
    }
  }
  if (page.length > 0) yield page;
}

/** The app's database, when it keeps subscriber indexes. */
export function subscriberIndex(db: unknown): SubscriberIndex | undefined {
  const candidate = db as Partial<SubscriberIndex> | undefined;
  return typeof candidate?.subscribers === 'function' && typeof candidate.subscriberZones === 'function' ? (candidate as SubscriberIndex) : undefined;
}
