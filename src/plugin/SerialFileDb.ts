import * as fs from 'fs';
import * as path from 'path';
import type { BaseApp, Jovo } from 'jovo-framework';
import { FileDb } from 'jovo-db-filedb';

/** One queue per file, shared by every instance in the process that uses that file. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Jovo's FileDb with its operations on one file run one at a time. FileDb reads the whole file, changes one
 * user and writes the file back; two requests at once both read the old file, and the second write silently
 * drops the first user's change. Queuing the operations keeps every change.
 * @see https://v3.jovo.tech/docs/databases/file-db
 */
export class SerialFileDb extends FileDb {
  /** Creates the file if needed. Unlike FileDb's, accepts any `.json` path, spaces and accents included. */
  override install(app: BaseApp): void {
    const file = this.config.pathToFile ?? '';
    if (path.extname(file) !== '.json') throw new Error(`SerialFileDb: pathToFile must name a .json file, not "${file}"`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!fs.existsSync(file)) fs.writeFileSync(file, '[]');
    app.$db = this;
  }

  override load(primaryKey: string, jovo?: Jovo): Promise<unknown> {
    return this.serially(() => super.load(primaryKey, jovo));
  }

  override save(primaryKey: string, key: string, data: unknown, updatedAt?: string, jovo?: Jovo): Promise<unknown> {
    return this.serially(() => super.save(primaryKey, key, data, updatedAt, jovo));
  }

  override delete(primaryKey: string, jovo?: Jovo): Promise<number> {
    return this.serially(() => super.delete(primaryKey, jovo));
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const file = path.resolve(this.config.pathToFile ?? '');
    const result = (queues.get(file) ?? Promise.resolve()).then(operation, operation);
    const settled = result.catch(() => undefined);
    queues.set(file, settled);
    // Forget the queue once it is idle, so the map does not hold settled promises forever.
    void settled.then(() => queues.get(file) === settled && queues.delete(file));
    return result;
  }
}
