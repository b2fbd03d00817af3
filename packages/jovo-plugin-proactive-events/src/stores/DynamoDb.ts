import { randomUUID } from 'crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BaseApp, Db, Jovo } from 'jovo-framework';
import { ProactiveEventsError } from 'alexa-proactive-events';
import { REPLAY_WINDOW_MS, type ReplayStore } from 'alexa-proactive-events/trigger';
import { quoted } from 'alexa-proactive-events/internal';
import type { PluginErrorCode } from '../errors';
import { minuteOf, type SendBudget } from '../schedules/budget';
import { LIMIT_KEY_PREFIX, REPLAY_KEY_PREFIX, SUBSCRIBER_ZONES_KEY, reservedUserIdProblem } from './keys';
import {
  INDEX,
  SUBSCRIBER_PAGE_SIZE,
  indexEntry,
  listingOf,
  pagesOf,
  type IndexEntry,
  type IndexedSubscriber,
  type SubscriberIndex,
} from './subscriberIndex';
import { columnState } from './subscribers';
import { LoadedVersions, pluginRebase, raceOf, type AtomicUserStore, type LoadedVersion, type Rebase } from './userChanges';

/** The table, and how saves that lose a race are made again. */
export interface DynamoDbOptions {
  /** The table: partition key `userId` (String); TTL on `expiresAt` for the replay guard's items. */
  tableName: string;
  /**
   * Another DynamoDB than AWS's: DynamoDB Local, dynalite.
   * @default undefined: the SDK's endpoint for the region
   */
  endpoint?: string;
  /**
   * The table's AWS region.
   * @default undefined: the SDK's (AWS_REGION)
   */
  region?: string;
  /**
   * What to save when another request saved the same user after this one loaded it: given this request's data
   * and the data now stored, the data to save on top of it, or undefined to save nothing.
   * @default pluginRebase: the plugin's changes of this request made again on the stored data
   * (`this.$proactiveEvents.rebase`), or this request's data as it is
   */
  rebase?: Rebase;
  /**
   * Tries of a save that keeps losing races. A save loses only when another write of the same user got in first:
   * 50 covers a burst of 25 requests of one user that each write it twice (its schedules, then Jovo's save).
   * @default 50
   */
  maxAttempts?: number;
}

/** Tries of a save that keeps losing races, unless the options say (`maxAttempts`). */
const DEFAULT_MAX_ATTEMPTS = 50;

/** Items one Query of a subscriber index reads at least (a page of DynamoDB's is at most 1 MB anyway). */
const QUERY_ITEMS = 1000;

/** The attribute that counts an item's saves; items written by `jovo-db-dynamodb` have none, which counts as 0. */
const VERSION = 'version';
/** The attribute that tells an item made again after a delete from the one before (see `LoadedVersion`). */
const BORN = 'born';
/** The table's TTL attribute: when DynamoDB may delete an item (seconds since the epoch). Only triggers have one. */
export const EXPIRES_AT = 'expiresAt';
/** The string set of SUBSCRIBER_ZONES_KEY's item. */
const ZONES = 'zones';

/**
 * A Jovo v3 database on the AWS SDK v3, in the item layout of Jovo's own `jovo-db-dynamodb` (partition key
 * `userId`, Jovo's user data in the column it names, `updatedAt` when Jovo sets it), so a table that integration
 * filled keeps working. Unlike it, a save never overwrites a save it has not seen: each item carries a version, a
 * save is conditional on the version its request loaded, and one that loses the race is rebased on what was
 * stored and tried again; a user deleted after the request loaded it stays deleted. `updateUser` changes one user
 * as one step, conditional in the same way. Reads are strongly consistent.
 *
 * Subscribers are indexed by time zone and by region (a `SubscriberIndex`, on the table's sparse global secondary
 * indexes `bySubscriberZone` and `bySubscriberRegion`, infra/template.yaml): every write of a user derives
 * `subscriberZone`, `subscriberRegion` and `subscribedEvents` from the state stored in the column it writes, and
 * leaves them out when the user is subscribed to nothing, so that user drops out of both indexes. An item written
 * before this (by jovo-db-dynamodb, or an older version of this store) is indexed at its next save; until then no
 * listing or count sees it (nothing backfills it at once). The zones a run can be due in are kept in one item,
 * `index#zones`, whose string set a save adds its zone to, with `ADD`, before it writes a user in a zone this
 * process has not recorded yet: `ADD` is atomic, so containers saving at once lose no zone; recording first means
 * every indexed zone is listed (a crash in between leaves a zone with nobody, which lists empty); and it costs one
 * extra write per new zone per container, and no Scan ever. Zones are never taken out of it.
 */
export class DynamoDb implements Db, AtomicUserStore, SubscriberIndex {
  readonly name = 'DynamoDb';
  readonly needsWriteFileAccess = false;
  readonly #client: DynamoDBDocumentClient;
  /** For each request, the version it loaded of each user: null when there was no item. */
  readonly #loaded = new LoadedVersions();
  /** The zones this process knows are in `index#zones`. */
  readonly #recordedZones = new Set<string>();

  constructor(readonly options: DynamoDbOptions) {
    const { endpoint, region } = options;
    this.#client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...(endpoint && { endpoint }), ...(region && { region }) }), {
      // As jovo-db-dynamodb's DocumentClient was configured: empty strings are stored as NULL.
      marshallOptions: { convertEmptyValues: true, removeUndefinedValues: true },
    });
  }

  install(app: BaseApp): void {
    app.$db = this;
  }

  uninstall(): void {
    this.#client.destroy();
  }

  /** The user's item without its version, or undefined; remembers the version for this request's save. */
  async load(userId: string, jovo?: Jovo): Promise<Record<string, unknown> | undefined> {
    const { item, version } = await this.#get(userId);
    this.#loaded.set(jovo, userId, version);
    return item;
  }

  /**
   * Saves `data` in the column `key`, if nobody saved the user since this request loaded it; otherwise loads what
   * was saved, rebases `data` on it, and tries again. A user deleted since this request loaded it is not saved
   * again. Outside a request (no `jovo`), it overwrites.
   */
  async save(userId: string, key: string, data: unknown, updatedAt?: string, jovo?: Jovo): Promise<void> {
    userKey(userId);
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      const loaded = this.#loaded.get(jovo, userId);
      const written = { version: (loaded?.version ?? 0) + 1, born: loaded?.born ?? (loaded === null ? randomUUID() : undefined) };
      try {
        await this.#put({ userId, [key]: data, ...(updatedAt && { updatedAt }), ...attributes(written) }, key, loaded);
        this.#loaded.set(jovo, userId, written);
        return;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException' || attempt >= maxAttempts) throw error;
      }
      // Another request saved first, or the user was deleted: start again from what is stored.
      await pause(attempt);
      const { item, version } = await this.#get(userId);
      if (raceOf(loaded, version) === 'deleted') return; // since this request loaded the user: they stay deleted
      this.#loaded.set(jovo, userId, version);
      data = (this.options.rebase ?? pluginRebase)(data, item?.[key], jovo);
      if (data === undefined) return;
    }
  }

  /** Reads the user's column, applies `change` and writes the result, as one step; resolves with what is stored. */
  // `change` is a UserChange, written out so that the entry's report names no unexported type.
  async updateUser(userId: string, key: string, change: (stored: unknown) => unknown): Promise<unknown> {
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      const { item, version } = await this.#get(userId);
      const next = change(item?.[key]);
      if (next === undefined) return item?.[key];
      const written = { version: (version?.version ?? 0) + 1, born: version ? version.born : randomUUID() };
      try {
        await this.#put({ ...item, userId, [key]: next, ...attributes(written) }, key, version);
        return next;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException' || attempt >= maxAttempts) throw error;
      }
      await pause(attempt);
    }
  }

  /**
   * The replay guard of every container that uses this table: a trigger's request id is put as an item
   * (`userId` "trigger#<id>", which no Alexa user id can be) unless it is there already, and expires through the
   * table's TTL attribute `expiresAt`. DynamoDB deletes expired items within days, so the condition also lets a
   * request id in again once its own expiry has passed.
   */
  replays(): ReplayStore {
    return {
      use: async (requestId, now) => {
        try {
          await this.#table(
            this.#client.send(
              new PutCommand({
                TableName: this.options.tableName,
                Item: { userId: `${REPLAY_KEY_PREFIX}${requestId}`, [EXPIRES_AT]: Math.ceil((now + REPLAY_WINDOW_MS) / 1000) },
                ConditionExpression: 'attribute_not_exists(userId) OR #expiresAt < :now',
                ExpressionAttributeNames: { '#expiresAt': EXPIRES_AT },
                ExpressionAttributeValues: { ':now': Math.floor(now / 1000) },
              }),
            ),
          );
          return 'first';
        } catch (error) {
          if ((error as Error).name === 'ConditionalCheckFailedException') return 'replayed';
          throw error;
        }
      },
    };
  }

  /**
   * A send budget every container that uses this table shares: each minute's count is the item
   * `limit#<name>#<minute>`, added to in one conditional update (so no two containers take the last send), and
   * gone through the table's TTL an hour later.
   */
  sendBudget(name: string, perMinute: number): SendBudget {
    return {
      take: async (now) => {
        const minute = minuteOf(now);
        try {
          await this.#table(
            this.#client.send(
              new UpdateCommand({
                TableName: this.options.tableName,
                Key: { userId: `${LIMIT_KEY_PREFIX}${name}#${minute}` },
                UpdateExpression: 'ADD #taken :one SET #expiresAt = :expiresAt',
                ConditionExpression: 'attribute_not_exists(#taken) OR #taken < :most',
                ExpressionAttributeNames: { '#taken': 'taken', '#expiresAt': EXPIRES_AT },
                ExpressionAttributeValues: { ':one': 1, ':most': perMinute, ':expiresAt': (minute + 61) * 60 },
              }),
            ),
          );
          return true;
        } catch (error) {
          if ((error as Error).name === 'ConditionalCheckFailedException') return false;
          throw error;
        }
      },
    };
  }

  async delete(userId: string): Promise<void> {
    userKey(userId);
    await this.#table(this.#client.send(new DeleteCommand({ TableName: this.options.tableName, Key: { userId } })));
  }

  /**
   * The subscribers of `event` in `where`'s zones or regions: a Query of the zone (or region) index for each, one
   * after another, keeping those whose `subscribedEvents` hold the event, page by page (`LastEvaluatedKey`).
   * The indexes are eventually consistent: a save of a moment ago may not be listed yet.
   */
  // SubscriberFilter and IndexedSubscriber written out, so that the entry's report names no unexported type.
  async *subscribers(
    event: string,
    where: { zones: readonly string[] } | { regions: readonly string[] },
    pageSize = SUBSCRIBER_PAGE_SIZE,
  ): AsyncIterable<Array<{ userId: string; zone: string; region: string }>> {
    const { by, keys, pageSize: size } = listingOf(where, pageSize);
    yield* pagesOf(this.#queried(event, by, keys, size), size);
  }

  /** Every zone a subscriber has been indexed in (`index#zones`): a zone nobody is left in lists empty. */
  async subscriberZones(): Promise<string[]> {
    const { Item } = await this.#table(
      this.#client.send(new GetCommand({ TableName: this.options.tableName, Key: { userId: SUBSCRIBER_ZONES_KEY }, ConsistentRead: true })),
    );
    const zones = [...((Item?.[ZONES] as Set<string> | undefined) ?? [])].sort();
    for (const zone of zones) this.#recordedZones.add(zone);
    return zones;
  }

  /**
   * Each key's subscribers of `event`, as each Query page gives them. A page reads at least QUERY_ITEMS items:
   * DynamoDB applies `Limit` before the filter, so a small page size would cost a Query per subscriber of another
   * event.
   */
  async *#queried(event: string, by: 'zone' | 'region', keys: readonly string[], limit: number): AsyncIterable<IndexedSubscriber[]> {
    const names = { '#userId': 'userId', '#zone': INDEX.zoneAttribute, '#region': INDEX.regionAttribute, '#events': INDEX.eventsAttribute };
    for (const key of keys) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.#table(
          this.#client.send(
            new QueryCommand({
              TableName: this.options.tableName,
              IndexName: by === 'zone' ? INDEX.byZone : INDEX.byRegion,
              KeyConditionExpression: `#${by} = :key`,
              FilterExpression: 'contains(#events, :event)',
              ProjectionExpression: '#userId, #zone, #region',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: { ':key': key, ':event': event },
              ExclusiveStartKey: start,
              Limit: Math.max(limit, QUERY_ITEMS),
            }),
          ),
        );
        yield (page.Items ?? []).map((item) => ({ userId: String(item.userId), zone: String(item[INDEX.zoneAttribute]), region: String(item[INDEX.regionAttribute]) }));
        start = page.LastEvaluatedKey;
      } while (start);
    }
  }

  /** Adds `zone` to `index#zones` unless this process did already: one atomic ADD, so no other container's zone is lost. */
  async #recordZone(zone: string): Promise<void> {
    if (this.#recordedZones.has(zone)) return;
    await this.#table(
      this.#client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { userId: SUBSCRIBER_ZONES_KEY },
          UpdateExpression: 'ADD #zones :zone',
          ExpressionAttributeNames: { '#zones': ZONES },
          ExpressionAttributeValues: { ':zone': new Set([zone]) },
        }),
      ),
    );
    this.#recordedZones.add(zone);
  }

  /** The answer to a request for the table, saying which table (or indexes) to create when it is missing. */
  async #table<Output>(answer: Promise<Output>): Promise<Output> {
    try {
      return await answer;
    } catch (error) {
      const missingIndex = (error as Error).name === 'ValidationException' && /does not have the specified index/.test((error as Error).message);
      if (missingIndex) {
        throw new ProactiveEventsError<PluginErrorCode>(
          'ERR_NO_INDEX',
          `The DynamoDB table ${JSON.stringify(this.options.tableName)} (DYNAMODB_TABLE) has no subscriber indexes (${INDEX.byZone}, ${INDEX.byRegion}): ` +
            'add them as infra/template.yaml declares them (README of jovo-plugin-proactive-events, Storage)',
        );
      }
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      // Jovo's integration created a missing table itself, and lost the request that did it.
      throw new ProactiveEventsError<PluginErrorCode>(
        'ERR_NO_TABLE',
        `DynamoDB has no table ${JSON.stringify(this.options.tableName)} (DYNAMODB_TABLE): create it with the partition key userId (String), ` +
          'on demand, with time to live on expiresAt (README of jovo-plugin-proactive-events, Storage)',
      );
    }
  }

  /** The user's item without its version and index attributes, and its version: null when there is no item. */
  async #get(userId: string): Promise<{ item?: Record<string, unknown>; version: LoadedVersion }> {
    userKey(userId);
    const { Item } = await this.#table(this.#client.send(new GetCommand({ TableName: this.options.tableName, Key: { userId }, ConsistentRead: true })));
    if (!Item) return { version: null };
    const { [VERSION]: version, [BORN]: born, [INDEX.zoneAttribute]: _zone, [INDEX.regionAttribute]: _region, [INDEX.eventsAttribute]: _events, ...item } = Item;
    return { item, version: { version: Number(version ?? 0), ...(typeof born === 'string' && { born }) } };
  }

  /**
   * Puts `item`, with the index attributes of the state in its `column`, if the stored one is still as `loaded`
   * (absent, or that row at that version); unconditionally if undefined. A zone new to this process is recorded first.
   */
  async #put(item: Record<string, unknown>, column: string, loaded: LoadedVersion | undefined): Promise<void> {
    const entry = indexEntry(columnState(item[column]));
    if (entry) await this.#recordZone(entry.zone);
    await this.#table(this.#client.send(new PutCommand({ TableName: this.options.tableName, Item: { ...item, ...indexAttributes(entry) }, ...condition(loaded) })));
  }
}

/** The index attributes of a user with `entry`: none for a user subscribed to nothing, who is then in no index. */
function indexAttributes(entry: IndexEntry | undefined): Record<string, unknown> {
  if (!entry) return {};
  return { [INDEX.zoneAttribute]: entry.zone, [INDEX.regionAttribute]: entry.region, [INDEX.eventsAttribute]: entry.events };
}

/** The version attributes of an item written at `version`. */
function attributes({ version, born }: { version: number; born?: string }): Record<string, unknown> {
  return { [VERSION]: version, ...(born !== undefined && { [BORN]: born }) };
}

/**
 * The wait before the next try of a write that lost a race: random, and longer with each loss (up to 250 ms), so
 * that many requests of one user (a fan-out's, a burst of skill events) fall out of step instead of colliding again.
 */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 4 * 2 ** attempt)));
}

/** The put's condition: the item as it was loaded (absent, or that row at that version); none if never loaded. */
function condition(loaded: LoadedVersion | undefined) {
  if (loaded === undefined) return {};
  if (loaded === null) return { ConditionExpression: 'attribute_not_exists(userId)' };
  const names = { '#version': VERSION, '#born': BORN };
  const born = loaded.born === undefined ? 'attribute_not_exists(#born)' : '#born = :born';
  const version = loaded.version === 0 ? 'attribute_exists(userId) AND attribute_not_exists(#version)' : '#version = :version';
  const values = { ...(loaded.version !== 0 && { ':version': loaded.version }), ...(loaded.born !== undefined && { ':born': loaded.born }) };
  return { ConditionExpression: `${version} AND ${born}`, ExpressionAttributeNames: names, ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }) };
}

/** Refuses a user id in the replay guard's key space: a user must never read, overwrite or delete its items. */
function userKey(userId: string): void {
  const problem = reservedUserIdProblem(userId);
  if (problem) throw new ProactiveEventsError<PluginErrorCode>('ERR_RESERVED_USER_ID', `DynamoDb: the user id ${quoted(userId, 60)} ${problem}`);
}
