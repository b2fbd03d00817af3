import type { BaseApp } from 'jovo-framework';
import type { SubscriberPolicy } from 'alexa-proactive-events';
import { REGION_ORIGINS, refusedResult } from 'alexa-proactive-events/internal';
import { handle, type FanOutResult, type SubscriberRun } from '../schedules/run';
import { UNKNOWN, regionKeys, type SubscriberIndex } from '../stores/subscriberIndex';
import { FanOutTally, type FanOutBatch } from './batch';
import type { FanOutQueue } from './queue';
import { MAX_HAND_BACKS, sendBatch, type FanOutWorkerServices } from './worker';

/** SendMessageBatch's most messages a call: batches are queued this many at a time. */
const BATCHES_PER_CALL = 10;
/** Users an index page holds. */
const PAGE_SIZE = 1000;

/** What reaching subscribers needs of the app's ProactiveEvents plugin. */
export interface FanOutServices extends FanOutWorkerServices {
  /** The app's database's subscriber index, if it keeps one (SerialFileDb, DynamoDb). */
  subscriberIndex(): SubscriberIndex | undefined;
  /** The origins a stored apiEndpoint may have: the region keys of the index. */
  policy(): SubscriberPolicy;
  /** Users per batch (FANOUT_BATCH_SIZE). */
  readonly fanOutBatchSize: number;
  readonly fanOutQueue?: FanOutQueue;
}

/**
 * Sends a run's event to the subscribers it addresses. The same content at the same moment for all (a schedule
 * in one zone) goes as one Multicast to each region that has subscribers; otherwise (each user's own time, or a
 * trigger `--to subscribers`) a Unicast each, listed from the store's index page by page and split into batches,
 * which go to the fan-out queue when there is one (the run returns once they are queued) and are sent here when
 * there is none. Either way it holds counts, never a result per user.
 */
export async function reachSubscribers(app: BaseApp, plugin: FanOutServices, run: SubscriberRun): Promise<FanOutResult> {
  const startedAt = performance.now();
  const index = plugin.subscriberIndex();
  const tally = run.multicast ? await multicast(app, plugin, run, index) : await unicast(app, plugin, run, index);
  const summary = tally.summary(run.kind, run.name, performance.now() - startedAt, run.scheduledTime);
  return { record: summary, problems: tally.problems, ...(tally.unfinished && { unfinished: tally.unfinished }) };
}

type Tally = FanOutTally & { unfinished?: string };

/** One Multicast per region with subscribers (and the fallback regions, for subscribers with none stored). */
async function multicast(app: BaseApp, plugin: FanOutServices, run: SubscriberRun, index: SubscriberIndex | undefined): Promise<Tally> {
  const event = run.data.event.name;
  const fallback = run.multicast!.fallbackRegions;
  let regions: string[];
  let plan: string;
  if (index) {
    regions = [];
    for (const key of regionKeys(plugin.policy().apiEndpoints)) if (await hasSubscribers(index, event, key)) regions.push(key);
    if (regions.includes(UNKNOWN)) regions = [...new Set([...regions.filter((key) => key !== UNKNOWN), ...fallback])];
    plan = `multicast ${regions.join(', ') || 'nowhere: no subscribers'}`;
  } else {
    regions = [...fallback];
    plan = `multicast ${regions.join(', ')} (the schedule's regions: the database keeps no subscriber index)`;
  }
  const tally: Tally = new FanOutTally(plan);
  // With an explicit endpoint (PROACTIVE_API_ENDPOINT, the emulator) every region is that one host.
  const endpoints = run.data.explicitEndpoint ? (regions.length > 0 ? [run.apiEndpoint] : []) : regions.map((key) => REGION_ORIGINS[key as keyof typeof REGION_ORIGINS] ?? key);
  for (const apiEndpoint of new Set(endpoints)) tally.add(await handle(app, { ...run.data }, apiEndpoint, run.locale));
  return tally;
}

/** A Unicast to each subscriber of the run's zones (or every region), in batches: queued, or sent here. */
async function unicast(app: BaseApp, plugin: FanOutServices, run: SubscriberRun, index: SubscriberIndex | undefined): Promise<Tally> {
  const queue = plugin.fanOutQueue;
  const tally: Tally = new FanOutTally(queue ? 'unicast via the fan-out queue' : 'unicast');
  if (!index) {
    tally.unfinished = "the app's database keeps no subscriber index (SerialFileDb and DynamoDb keep one), so nobody was sent to";
    tally.add([refusedResult(run.data.event.name as never, run.data.referenceId, tally.unfinished)]);
    return tally;
  }
  const where = run.zones ? { zones: run.zones } : { regions: regionKeys(plugin.policy().apiEndpoints) };
  const queued: FanOutBatch[] = [];
  const flush = async () => {
    await queue!.enqueue(queued);
    for (const batch of queued) tally.enqueued += batch.data.users.length;
    queued.length = 0;
  };
  const dispatch = async (users: string[]) => {
    const batch: FanOutBatch = {
      v: 1,
      run: { kind: run.kind, name: run.name, ...(run.scheduledTime !== undefined && { scheduledTime: run.scheduledTime }) },
      data: { ...run.data, toSubscribers: undefined, users },
      apiEndpoint: run.apiEndpoint,
      locale: run.locale,
      handBacks: 0,
    };
    if (queue) {
      queued.push(batch);
      if (queued.length === BATCHES_PER_CALL) await flush();
    } else await sendHere(app, batch, tally, run.deadline);
  };
  let users: string[] = [];
  for await (const page of index.subscribers(run.data.event.name, where, PAGE_SIZE)) {
    for (const { userId } of page) {
      users.push(userId);
      tally.usersDue++;
      if (users.length === plugin.fanOutBatchSize) {
        await dispatch(users);
        users = [];
      }
    }
    if (tally.unfinished) break;
  }
  if (users.length > 0 && !tally.unfinished) await dispatch(users);
  if (queued.length > 0) await flush();
  if (tally.unfinished) tally.unfinished += `; ${tally.usersDue} users were listed by then, and more may be due: set FANOUT_QUEUE_URL so that batches go to the fan-out queue`;
  return tally;
}

/**
 * A batch sent in this process (no queue): throttled users wait and go again, up to MAX_HAND_BACKS times; past the
 * deadline the run stops and says how far it came, never cut short in silence.
 */
async function sendHere(app: BaseApp, batch: FanOutBatch, tally: Tally, deadline?: number): Promise<void> {
  if (tally.unfinished) return;
  let users = batch.data.users;
  for (let handBacks = 0; users.length > 0; handBacks++) {
    const { handBack } = await sendBatch(app, { ...batch, data: { ...batch.data, users } }, tally, deadline);
    if (!handBack) return;
    if (deadline !== undefined && Date.now() >= deadline) {
      tally.unfinished = `the invocation ran out of time before every user was sent to (${handBack.length} of a batch left)`;
      return;
    }
    if (handBacks >= MAX_HAND_BACKS) {
      tally.statuses.failed = (tally.statuses.failed ?? 0) + handBack.length;
      tally.sends += handBack.length;
      return;
    }
    // In this process a hand-back is a pause: 1 s, doubling, at most a minute.
    await new Promise((resolve) => setTimeout(resolve, Math.min(60, 2 ** handBacks) * 1000));
    users = handBack;
  }
}

async function hasSubscribers(index: SubscriberIndex, event: string, region: string): Promise<boolean> {
  for await (const page of index.subscribers(event, { regions: [region] }, 1)) if (page.length > 0) return true;
  return false;
}
