import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { BaseApp, Jovo } from 'jovo-framework';
import { FileDb } from 'jovo-db-filedb';
import { OptionsError } from 'alexa-proactive-events';
import { MemoryIndex } from './memoryIndex';
import { SUBSCRIBER_PAGE_SIZE, indexEntry, listingOf, pagesOf, type IndexEntry, type SubscriberIndex } from './subscriberIndex';
import { columnState, userDataColumn } from './subscribers';
import { LoadedVersions, pluginRebase, raceOf, type AtomicUserStore, type LoadedVersion } from './userChanges';

/** One queue per file, shared by every instance in the process that uses that file. */
const queues = new Map<string, Promise<unknown>>();

type Row = Record<string, unknown>;
interface Table {
  rows: Row[];
  byKey: Map<string, Row>;
  /** Its subscribers by zone and by region, kept with every change of a row. */
  index: MemoryIndex;
  /** The file as this process last read or wrote it; another writer changes these. */
  mtimeMs: number;
  size: number;
}

/** The column that counts a row's saves; rows FileDb wrote have none, which counts as 0. */
const VERSION = 'version';
/** The column that tells a row made again after a delete from the one before (see `LoadedVersion`). */
const BORN = 'born';

/**
 * Jovo's FileDb, same file and format (an array of rows), made safe and fast for a webhook:
 * - operations on one file run one at a time: FileDb reads the whole file, changes one user and writes it back,
 *   so two requests at once would silently drop one user's change;
 * - each row counts its saves (`version`), and a request's save is checked against the version it loaded: when
 *   another request saved the user meanwhile, this one's changes are made again on what that one stored (the
 *   plugin's rebase: the newest skill event wins, a disabled skill's data stays gone), and a user deleted meanwhile
 *   stays deleted, as on DynamoDb;
 * - `updateUser` reads, changes and writes one user as one step (a user's schedules and their limit);
 * - writes go to a temporary file that then replaces the old one, so a crash mid-write loses nothing;
 * - the parsed file stays in memory while its size and modification time say nobody else changed it, so a
 *   lookup (a Unicast fan-out makes one per user) costs a stat, not a read and parse of every user;
 * - beside it, the subscribers by time zone and by region (a `SubscriberIndex`): built when the file is read, kept
 *   with every write, and built again when the file changed underneath, so a run finds its zones' subscribers
 *   without walking every row. The state is read from the column of Jovo's user data that the app names
 *   (`JovoUser.columnName`, as the plugin reads it).
 * Callers get copies, so what a handler changes reaches the file only when Jovo saves it. One process writes the
 * file: two processes on one file each keep their own order, not a common one (use DynamoDb for several).
 * @see https://v3.jovo.tech/docs/databases/file-db
 */
export class SerialFileDb extends FileDb implements AtomicUserStore, SubscriberIndex {
  #table?: Table;
  readonly #loaded = new LoadedVersions();
  /** The column of Jovo's user data, whose state the index holds: Jovo's default until `install` reads the app's. */
  #column = userDataColumn(undefined);

  /** Creates the file if needed. Unlike FileDb's, accepts any `.json` path, spaces and accents included. */
  override install(app: BaseApp): void {
    const file = this.#file();
    if (path.extname(file) !== '.json') throw new OptionsError('SerialFileDb', [{ path: 'pathToFile', message: 'expected a file whose name ends in .json', value: file }]);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!fs.existsSync(file)) fs.writeFileSync(file, '[]');
    this.#column = userDataColumn(app);
    this.#table = undefined; // indexed from another column before: read again
    app.$db = this;
  }

  /** A copy of the user's row without its version, or undefined; remembers the version for this request's save. */
  override load(primaryKey: string, jovo?: Jovo): Promise<unknown> {
    return this.#serially(async () => {
      const row = (await this.#read()).byKey.get(primaryKey);
      this.#loaded.set(jovo, primaryKey, versionOf(row));
      if (!row) return undefined;
      const { [VERSION]: _version, [BORN]: _born, ...copy } = structuredClone(row);
      return copy;
    });
  }

  /**
   * Saves `data` in the column `key`. When another request saved the user after this one (`jovo`) loaded it, the
   * data saved is this request's rebased on what is stored; when the user was deleted meanwhile, nothing is saved.
   */
  override save(primaryKey: string, key: string, data: unknown, updatedAt?: string, jovo?: Jovo): Promise<unknown> {
    return this.#serially(async () => {
      const table = await this.#read();
      let row = table.byKey.get(primaryKey);
      const race = raceOf(this.#loaded.get(jovo, primaryKey), versionOf(row));
      if (race === 'deleted') return; // since this request loaded the user: they stay deleted
      if (race === 'changed') {
        data = pluginRebase(data, structuredClone(row?.[key]), jovo);
        if (data === undefined) return;
      }
      row ??= this.#newRow(table, primaryKey);
      row[key] = structuredClone(data);
      if (updatedAt) row.updatedAt = updatedAt;
      row[VERSION] = Number(row[VERSION] ?? 0) + 1;
      this.#loaded.set(jovo, primaryKey, versionOf(row));
      table.index.set(primaryKey, this.#entryOf(row));
      await this.#write(table);
    });
  }

  /** Reads the user's column, applies `change` and writes the result, as one step; resolves with what is stored. */
  // `change` is a UserChange, written out so that the entry's report names no unexported type.
  updateUser(primaryKey: string, key: string, change: (stored: unknown) => unknown): Promise<unknown> {
    return this.#serially(async () => {
      const table = await this.#read();
      let row = table.byKey.get(primaryKey);
      const next = change(structuredClone(row?.[key]));
      if (next === undefined) return structuredClone(row?.[key]);
      row ??= this.#newRow(table, primaryKey);
      row[key] = structuredClone(next);
      row[VERSION] = Number(row[VERSION] ?? 0) + 1;
      table.index.set(primaryKey, this.#entryOf(row));
      await this.#write(table);
      return structuredClone(next);
    });
  }

  override delete(primaryKey: string, _jovo?: Jovo): Promise<number> {
    return this.#serially(async () => {
      const table = await this.#read();
      const before = table.rows.length;
      table.rows = table.rows.filter((row) => row[this.#keyColumn()] !== primaryKey);
      table.byKey.delete(primaryKey);
      table.index.set(primaryKey, undefined);
      if (table.rows.length !== before) await this.#write(table);
      return before - table.rows.length;
    });
  }

  /** Every row (copies), for what looks at all users outside a request: the local runner of users' schedules. */
  all(): Promise<Array<Record<string, unknown>>> {
    return this.#serially(async () => structuredClone((await this.#read()).rows));
  }

  /**
   * The subscribers of `event` in `where`'s zones or regions, from the index in memory (the file read again first
   * if another writer changed it): the listing is taken at the first page, so each user is in it once.
   */
  // SubscriberFilter and IndexedSubscriber written out, so that the entry's report names no unexported type.
  async *subscribers(
    event: string,
    where: { zones: readonly string[] } | { regions: readonly string[] },
    pageSize = SUBSCRIBER_PAGE_SIZE,
  ): AsyncIterable<Array<{ userId: string; zone: string; region: string }>> {
    const { by, keys, pageSize: size } = listingOf(where, pageSize);
    const listed = await this.#serially(async () => (await this.#read()).index.list(event, by, keys));
    yield* pagesOf([listed], size);
  }

  /** Every zone that has a subscriber now. */
  subscriberZones(): Promise<string[]> {
    return this.#serially(async () => (await this.#read()).index.zones());
  }

  async #read(): Promise<Table> {
    const file = this.#file();
    const stat = await fs.promises.stat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (this.#table && stat && stat.mtimeMs === this.#table.mtimeMs && stat.size === this.#table.size) return this.#table;
    const text = stat ? await fs.promises.readFile(file, 'utf8') : '';
    const rows = (text.trim() === '' ? [] : JSON.parse(text)) as Row[];
    const byKey = new Map(rows.map((row) => [String(row[this.#keyColumn()]), row]));
    const index = new MemoryIndex();
    for (const [userId, row] of byKey) index.set(userId, this.#entryOf(row));
    this.#table = { rows, byKey, index, mtimeMs: stat?.mtimeMs ?? 0, size: stat?.size ?? 0 };
    return this.#table;
  }

  async #write(table: Table): Promise<void> {
    const file = this.#file();
    const temporary = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(temporary, JSON.stringify(table.rows, null, '\t'));
    await fs.promises.rename(temporary, file);
    const stat = await fs.promises.stat(file);
    table.mtimeMs = stat.mtimeMs;
    table.size = stat.size;
  }

  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const file = path.resolve(this.#file());
    const result = (queues.get(file) ?? Promise.resolve()).then(operation, operation);
    const settled = result.catch(() => undefined);
    queues.set(file, settled);
    // Forget the queue once it is idle, so the map does not hold settled promises forever.
    void settled.then(() => queues.get(file) === settled && queues.delete(file));
    return result;
  }

  #file(): string {
    return this.config.pathToFile ?? '';
  }

  /** A row for a user the table does not have yet. */
  #newRow(table: Table, primaryKey: string): Row {
    const row = { [this.#keyColumn()]: primaryKey, [BORN]: randomUUID() };
    table.rows.push(row);
    table.byKey.set(primaryKey, row);
    return row;
  }

  /** What the index holds of a row: its state's zone, region and events, or nothing when subscribed to none. */
  #entryOf(row: Row): IndexEntry | undefined {
    return indexEntry(columnState(row[this.#column]));
  }

  #keyColumn(): string {
    return this.config.primaryKeyColumn ?? 'userId';
  }
}

function versionOf(row: Row | undefined): LoadedVersion {
  if (!row) return null;
  return { version: Number(row[VERSION] ?? 0), ...(typeof row[BORN] === 'string' && { born: row[BORN] }) };
}
