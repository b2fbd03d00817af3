import { randomUUID } from 'crypto';
import * as fs from 'fs';
import type { FileHandle } from 'fs/promises';
import * as path from 'path';
import type { BaseApp, Jovo } from 'jovo-framework';
import { FileDb } from 'jovo-db-filedb';
import { OptionsError } from 'alexa-proactive-events';
import { emptyObject, readElement, scanArray, writeAt } from './jsonArray';
import { RowIndex, type Found, type FoundRow } from './rowIndex';
import { SUBSCRIBER_PAGE_SIZE, indexEntry, listingOf, pagesOf, type IndexEntry, type SubscriberIndex } from './subscriberIndex';
import { columnState, userDataColumn } from './subscribers';
import { LoadedVersions, pluginRebase, raceOf, type AtomicUserStore, type LoadedVersion } from './userChanges';

/** One queue per file, shared by every instance in the process that uses that file. */
const queues = new Map<string, Promise<unknown>>();

type Row = Record<string, unknown>;
/** Where the rows are in the file, and what the index holds of them: never the rows themselves. */
interface Layout {
  /** Where each user's row starts, in bytes, and their subscribers by zone and by region, kept with every change of a row. */
  index: RowIndex;
  /** Where the array's closing bracket is: a row is appended there. */
  end: number;
  /** Whether the array holds anything: a row appended after something needs a comma. */
  hasValues: boolean;
  /** The bytes of the users' current rows; the rest of the file is replaced or deleted rows, until compaction. */
  liveBytes: number;
  /** The file as this process last read or wrote it; another writer changes these. */
  mtimeMs: number;
  size: number;
  ino: number;
}

/** The column that counts a row's saves; rows FileDb wrote have none, which counts as 0. */
const VERSION = 'version';
/** The column that tells a row made again after a delete from the one before (see `LoadedVersion`). */
const BORN = 'born';
/** The file is rewritten when it is larger than twice its current rows and this much. */
const COMPACTION_SLACK_BYTES = 1 << 20;
/** The file stays open this long after an operation, for the next one. */
const IDLE_CLOSE_MS = 1000;
/** What compaction writes at a time. */
const WRITE_BYTES = 1 << 20;

/**
 * Jovo's FileDb, same file and format (a JSON array of rows, which Jovo's FileDb reads as it always has), made safe
 * and fast for a webhook, its memory flat in the number of users:
 * - operations on one file run one at a time, so two requests never interleave their reads and writes of it;
 * - the file is never read or written whole for one user: the process keeps where each user's row starts (and the
 *   subscriber index below) in a table of id hashes and offsets (`RowIndex`, some 25–45 bytes a user), not the
 *   rows and not even the ids. A lookup reads that user's row; a save appends the new row before the
 *   array's closing bracket and then blanks the old one in place (an empty object, `{   }`, as long as the row
 *   was), so the file is a valid JSON array after each write. Rows appended are one line each (JSON.stringify);
 *   a file Jovo's FileDb wrote (tab-indented) is read as it is, without conversion;
 * - compaction bounds the file: when it is larger than twice its current rows (and 1 MB), it is written again with
 *   the current rows only, a row at a time, to a temporary file that then replaces it;
 * - a crash mid-write loses nothing: until a save's new row is written whole, the old one is untouched; a row cut
 *   short at the end of the file (a crash mid-append) is dropped and the array closed again when the file is next
 *   read; when a user has two rows (a crash between the append and the blanking), the later one counts and the
 *   earlier one is blanked then;
 * - each row counts its saves (`version`), and a request's save is checked against the version it loaded: when
 *   another request saved the user meanwhile, this one's changes are made again on what that one stored (the
 *   plugin's rebase: the newest skill event wins, a disabled skill's data stays gone), and a user deleted meanwhile
 *   stays deleted, as on DynamoDb;
 * - `updateUser` reads, changes and writes one user as one step (a user's schedules and their limit);
 * - another writer's change is noticed by the file's size, modification time and inode (a stat per operation):
 *   the file is then read again, a chunk at a time, to find its rows;
 * - beside the offsets, the subscribers by time zone and by region (a `SubscriberIndex`): built when the file is
 *   read, kept with every write, so a run finds its zones' subscribers without walking every row. The state is read
 *   from the column of Jovo's user data that the app names (`JovoUser.columnName`, as the plugin reads it).
 * Callers get copies, so what a handler changes reaches the file only when Jovo saves it. One process writes the
 * file: two processes on one file each keep their own order, not a common one (use DynamoDb for several).
 * @see https://v3.jovo.tech/docs/databases/file-db
 */
export class SerialFileDb extends FileDb implements AtomicUserStore, SubscriberIndex {
  #layout?: Layout;
  readonly #loaded = new LoadedVersions();
  /** The column of Jovo's user data, whose state the index holds: Jovo's default until `install` reads the app's. */
  #column = userDataColumn(undefined);
  /** The file, open while operations come (`#withFile`). */
  #handle?: FileHandle;
  #closing?: NodeJS.Timeout;

  /** Creates the file if needed. Unlike FileDb's, accepts any `.json` path, spaces and accents included. */
  override install(app: BaseApp): void {
    const file = this.#file();
    if (path.extname(file) !== '.json') throw new OptionsError('SerialFileDb', [{ path: 'pathToFile', message: 'expected a file whose name ends in .json', value: file }]);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!fs.existsSync(file)) fs.writeFileSync(file, '[]');
    this.#column = userDataColumn(app);
    this.#layout = undefined; // indexed from another column before: read again
    app.$db = this;
  }

  /** A copy of the user's row without its version, or undefined; remembers the version for this request's save. */
  override load(primaryKey: string, jovo?: Jovo): Promise<unknown> {
    return this.#serially(async () => {
      const layout = await this.#read();
      const row = await this.#withFile(async (handle) => this.#row(layout, handle, primaryKey));
      this.#loaded.set(jovo, primaryKey, versionOf(row?.value));
      if (!row) return undefined;
      const { [VERSION]: _version, [BORN]: _born, ...copy } = row.value;
      return copy;
    });
  }

  /**
   * Saves `data` in the column `key`. When another request saved the user after this one (`jovo`) loaded it, the
   * data saved is this request's rebased on what is stored; when the user was deleted meanwhile, nothing is saved.
   */
  override save(primaryKey: string, key: string, data: unknown, updatedAt?: string, jovo?: Jovo): Promise<unknown> {
    return this.#serially(async () => {
      const layout = await this.#read();
      await this.#withFile(async (handle) => {
        const stored = this.#row(layout, handle, primaryKey);
        const race = raceOf(this.#loaded.get(jovo, primaryKey), versionOf(stored?.value));
        if (race === 'deleted') return; // since this request loaded the user: they stay deleted
        if (race === 'changed') {
          data = pluginRebase(data, stored?.value[key], jovo);
          if (data === undefined) return;
        }
        const row = stored?.value ?? this.#newRow(primaryKey);
        row[key] = data;
        if (updatedAt) row.updatedAt = updatedAt;
        row[VERSION] = Number(row[VERSION] ?? 0) + 1;
        this.#loaded.set(jovo, primaryKey, versionOf(row));
        await this.#put(layout, handle, primaryKey, row, stored);
      });
      await this.#settle(layout);
    });
  }

  /** Reads the user's column, applies `change` and writes the result, as one step; resolves with what is stored. */
  // `change` is a UserChange, written out so that the entry's report names no unexported type.
  updateUser(primaryKey: string, key: string, change: (stored: unknown) => unknown): Promise<unknown> {
    return this.#serially(async () => {
      const layout = await this.#read();
      const result = await this.#withFile(async (handle) => {
        const stored = this.#row(layout, handle, primaryKey);
        const next = change(structuredClone(stored?.value[key]));
        if (next === undefined) return { written: false, value: stored?.value[key] };
        const row = stored?.value ?? this.#newRow(primaryKey);
        row[key] = structuredClone(next);
        row[VERSION] = Number(row[VERSION] ?? 0) + 1;
        await this.#put(layout, handle, primaryKey, row, stored);
        return { written: true, value: structuredClone(next) };
      });
      if (result.written) await this.#settle(layout);
      return result.value;
    });
  }

  override delete(primaryKey: string, _jovo?: Jovo): Promise<number> {
    return this.#serially(async () => {
      const layout = await this.#read();
      const deleted = await this.#withFile(async (handle) => {
        const stored = this.#row(layout, handle, primaryKey);
        if (!stored) return 0;
        await writeAt(handle, emptyObject(stored.end - stored.start), stored.start);
        layout.index.remove(stored);
        layout.liveBytes -= stored.end - stored.start;
        return 1;
      });
      if (deleted > 0) await this.#settle(layout);
      return deleted;
    });
  }

  /** Every row (copies), for what looks at all users outside a request. Holds them all: `forEachRow` does not. */
  async all(): Promise<Array<Record<string, unknown>>> {
    const rows: Row[] = [];
    await this.forEachRow((row) => rows.push(row));
    return rows;
  }

  /**
   * Calls `visit` with every user's row (a copy), one at a time, reading the file a chunk at a time: for what looks
   * at all users outside a request (the local runner of users' schedules), without holding them all.
   */
  forEachRow(visit: (row: Record<string, unknown>) => void): Promise<void> {
    return this.#serially(async () => {
      const layout = await this.#read();
      await this.#withFile((handle) =>
        scanArray(handle, ({ value, start }) => {
          const key = this.#keyOf(value);
          if (key !== undefined && layout.index.isCurrent(key, start)) visit(value as Row);
        }),
      );
    });
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
    const listed = await this.#serially(async () => {
      const layout = await this.#read();
      return this.#withFile(async (handle) => layout.index.list(event, by, keys, (start) => readRow(handle, start)));
    });
    yield* pagesOf([listed], size);
  }

  /** Every zone that has a subscriber now. */
  subscriberZones(): Promise<string[]> {
    return this.#serially(async () => (await this.#read()).index.zones());
  }

  /** Where the rows are, as this process last wrote the file; read again when another writer changed it. */
  async #read(): Promise<Layout> {
    const file = this.#file();
    // Synchronous, as a row's read is (see readElement): every operation makes one.
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) fs.writeFileSync(file, '[]');
    const layout = this.#layout;
    if (layout && stat && stat.mtimeMs === layout.mtimeMs && stat.size === layout.size && stat.ino === layout.ino) return layout;
    this.#layout = undefined;
    if (!stat || stat.ino !== layout?.ino) await this.#close();
    this.#layout = await this.#scan();
    return this.#layout;
  }

  /**
   * Reads the whole file a chunk at a time, keeping where each user's row starts and their index entry; mends what
   * a crash left: an array cut short is closed after its last whole row, an outdated second row of a user blanked.
   */
  async #scan(): Promise<Layout> {
    const layout: Layout = { index: new RowIndex((row) => this.#keyOf(row)), end: 0, hasValues: false, liveBytes: 0, mtimeMs: 0, size: 0, ino: 0 };
    await this.#withFile(async (handle) => {
      const outdated: number[] = [];
      let whole = 0;
      const scanner = await scanArray(handle, ({ value, start, end }) => {
        whole++;
        const key = this.#keyOf(value);
        if (key === undefined) return;
        const before = layout.index.find(key, (at) => readRow(handle, at));
        if (before) {
          outdated.push(before.start);
          layout.index.update(before, start, this.#entryOf(value as Row));
        } else layout.index.add(key, start, this.#entryOf(value as Row));
        layout.liveBytes += end - start;
      });
      layout.hasValues = scanner.hasValues;
      if (!scanner.opened) {
        await handle.truncate(0);
        await writeAt(handle, Buffer.from('[]'), 0);
        layout.end = 1;
      } else if (scanner.closedAt < 0) {
        await handle.truncate(scanner.lastEnd);
        await writeAt(handle, Buffer.from('\n]'), scanner.lastEnd);
        layout.end = scanner.lastEnd + 1;
        // What is left holds the whole rows alone: a row cut short is gone, and the next one needs no comma before it.
        layout.hasValues = whole > 0;
      } else layout.end = scanner.closedAt;
      for (const start of outdated) {
        const { end } = await readElement(handle, start);
        await writeAt(handle, emptyObject(end - start), start);
        layout.liveBytes -= end - start;
      }
    });
    await this.#stamp(layout);
    return layout;
  }

  /** The user's current row, parsed, and where it lies; undefined when the file has none. */
  #row(layout: Layout, handle: FileHandle, primaryKey: string): Found | undefined {
    return layout.index.find(primaryKey, (start) => readRow(handle, start));
  }

  /** Appends `row` as the user's current row, then blanks the one it replaces: the file is a valid array after each write. */
  async #put(layout: Layout, handle: FileHandle, primaryKey: string, row: Row, replaced: Found | undefined): Promise<void> {
    const line = JSON.stringify(row);
    const separator = layout.hasValues ? ',\n' : '\n';
    const appended = Buffer.from(`${separator}${line}\n]`);
    await writeAt(handle, appended, layout.end);
    const start = layout.end + separator.length;
    const end = layout.end + appended.length;
    // Anything after the old closing bracket (a newline, say) would follow the new one: cut it.
    if (layout.size > end) await handle.truncate(end);
    if (replaced) {
      await writeAt(handle, emptyObject(replaced.end - replaced.start), replaced.start);
      layout.liveBytes -= replaced.end - replaced.start;
    }
    if (replaced) layout.index.update(replaced, start, this.#entryOf(row));
    else layout.index.add(primaryKey, start, this.#entryOf(row));
    layout.liveBytes += Buffer.byteLength(line);
    layout.end = end - 1;
    layout.hasValues = true;
    layout.size = end;
  }

  /** After a write: the file's new stamp, and compaction when replaced rows take more than the current ones. */
  async #settle(layout: Layout): Promise<void> {
    await this.#stamp(layout);
    if (layout.size > 2 * layout.liveBytes + COMPACTION_SLACK_BYTES) await this.#compact(layout);
  }

  /**
   * Writes the current rows, one line each, to a temporary file that then replaces the file (a crash meanwhile
   * leaves the file as it was), and moves each user's offset to their row's place in it.
   */
  async #compact(layout: Layout): Promise<void> {
    const file = this.#file();
    const temporary = `${file}.${process.pid}.tmp`;
    this.#layout = undefined; // until the offsets all point into the new file
    const out = await fs.promises.open(temporary, 'w');
    // With the file's own permissions: a users file kept from other accounts' eyes stays so.
    await out.chmod((await fs.promises.stat(file)).mode & 0o777);
    try {
      let position = 1;
      let pending: string[] = ['['];
      let pendingBytes = 0;
      let hasValues = false;
      let liveBytes = 0;
      await this.#withFile((handle) =>
        scanArray(handle, async ({ value, start }) => {
          const key = this.#keyOf(value);
          // Kept: each user's current row, and any other non-empty object (not a blanked row) the file holds.
          if (key === undefined ? Object.keys(value as object).length === 0 : !layout.index.isCurrent(key, start)) return;
          const line = JSON.stringify(value);
          const separator = hasValues ? ',\n' : '\n';
          if (key !== undefined) layout.index.move(key, start, position + separator.length);
          const bytes = separator.length + Buffer.byteLength(line);
          pending.push(separator, line);
          position += bytes;
          pendingBytes += bytes;
          liveBytes += bytes - separator.length;
          hasValues = true;
          if (pendingBytes >= WRITE_BYTES) {
            await out.write(pending.join(''));
            pending = [];
            pendingBytes = 0;
          }
        }),
      );
      pending.push('\n]');
      await out.write(pending.join(''));
      await out.close();
      await fs.promises.rename(temporary, file);
      await this.#close(); // the old file's
      Object.assign(layout, { end: position + 1, hasValues, liveBytes });
      await this.#stamp(layout);
      this.#layout = layout;
    } catch (error) {
      await out.close().catch(() => undefined);
      await fs.promises.rm(temporary, { force: true });
      throw error;
    }
  }

  /** Remembers the file's size, modification time and inode as this process left it. */
  async #stamp(layout: Layout): Promise<void> {
    const stat = await fs.promises.stat(this.#file());
    layout.mtimeMs = stat.mtimeMs;
    layout.size = stat.size;
    layout.ino = stat.ino;
  }

  /**
   * Runs `use` on the file, kept open between operations that come close together (a fan-out looks up a user per
   * send: opening and closing the file for each cost more than reading the row) and closed after a quiet second.
   * Always within `#serially`, as is the closing.
   */
  async #withFile<T>(use: (handle: FileHandle) => Promise<T>): Promise<T> {
    clearTimeout(this.#closing);
    try {
      this.#handle ??= await fs.promises.open(this.#file(), 'r+');
      return await use(this.#handle);
    } finally {
      this.#closing = setTimeout(() => void this.#serially(() => this.#close()), IDLE_CLOSE_MS).unref();
    }
  }

  /** Closes the file kept open: when idle, and when the file at the path is another (replaced, compacted, deleted). */
  async #close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
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

  /** A row for a user the file does not have yet: the key column first. */
  #newRow(primaryKey: string): Row {
    return { [this.#keyColumn()]: primaryKey, [BORN]: randomUUID() };
  }

  /** The user id of a row (a string in the key column), or undefined for anything else (a blanked row, say). */
  #keyOf(value: unknown): string | undefined {
    const key = (value as Row | null)?.[this.#keyColumn()];
    return typeof key === 'string' ? key : undefined;
  }

  /** What the index holds of a row: its state's zone, region and events, or nothing. */
  #entryOf(row: Row): IndexEntry | undefined {
    return indexEntry(columnState(row[this.#column]));
  }

  #keyColumn(): string {
    return this.config.primaryKeyColumn ?? 'userId';
  }
}

/** The row that starts at `start`: an object, as only objects are indexed. */
function readRow(handle: FileHandle, start: number): FoundRow {
  return readElement(handle, start) as FoundRow;
}

function versionOf(row: Row | undefined): LoadedVersion {
  if (!row) return null;
  return { version: Number(row[VERSION] ?? 0), ...(typeof row[BORN] === 'string' && { born: row[BORN] }) };
}
