import { UNKNOWN, regionKeys, type SubscriberIndex } from './subscriberIndex';

/** Subscriptions a count reads at most (a user subscribed to two events is read twice): "at least" beyond it. */
export const MAX_COUNTED_USERS = 100_000;

/** Users a page of a count's listing holds: a count reads many, and keeps none of them but their ids. */
const COUNT_PAGE_SIZE = 1000;

/** What the skill knows of its subscribers, as counts: never a user id. */
export interface SubscriberCounts {
  /**
   * Users subscribed to at least one published event, each once. Users subscribed to nothing (who unsubscribed,
   * or disabled the skill) are in no index, so they are not counted.
   */
  subscribedUsers: number;
  /** For each published event, its subscribers by region: NA, EU, FE, or the origin of another allowed host. */
  events: Record<string, Record<string, number>>;
  /** Users subscribed to a published event with no region stored: a Unicast goes to the trigger's region for them. */
  withoutRegion: number;
  /** More subscriptions are stored than were counted (MAX_COUNTED_USERS). */
  truncated: boolean;
}

/**
 * The subscribers of each published event, counted through the region index (never a Scan): in each region a
 * skill can have, Amazon's three and each of `origins` (the plugin's allowed origins), and UNKNOWN for those with
 * no region stored. Reads at most MAX_COUNTED_USERS subscriptions (`truncated` beyond), or `most` if given.
 */
export async function countSubscribers(
  index: SubscriberIndex,
  published: readonly string[],
  origins: Iterable<string>,
  most = MAX_COUNTED_USERS,
): Promise<SubscriberCounts> {
  const regions = regionKeys(origins);
  const counts: SubscriberCounts = { subscribedUsers: 0, events: Object.fromEntries(published.map((name) => [name, {}])), withoutRegion: 0, truncated: false };
  const subscribed = new Set<string>();
  const unplaced = new Set<string>();
  let read = 0;
  counting: for (const name of published) {
    for await (const page of index.subscribers(name, { regions }, COUNT_PAGE_SIZE)) {
      for (const { userId, region } of page) {
        if (read++ === most) {
          counts.truncated = true;
          break counting;
        }
        subscribed.add(userId);
        if (region === UNKNOWN) unplaced.add(userId);
        else counts.events[name][region] = (counts.events[name][region] ?? 0) + 1;
      }
    }
  }
  return { ...counts, subscribedUsers: subscribed.size, withoutRegion: unplaced.size };
}
