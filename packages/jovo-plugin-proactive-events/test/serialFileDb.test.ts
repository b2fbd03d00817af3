import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileDb } from 'jovo-db-filedb';
import { SerialFileDb } from '../src';
import { storedRows } from './helpers/stores';

function freshDb() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'serial-db-')), 'users.json');
  const db = new SerialFileDb({ pathToFile: file });
  db.install({} as never);
  return { db, file, rows: () => storedRows(file) };
}

it('writes the file in FileDb\'s format, one row per user, with the count of its saves', async () => {
  const { db, rows } = freshDb();
  await db.save('u1', 'userData', { data: { proactive: { locale: 'en-US' } } }, '2026-11-22T10:00:00Z');
  await db.save('u2', 'userData', { data: {} });
  expect(rows()).toEqual([
    { userId: 'u1', born: expect.any(String), userData: { data: { proactive: { locale: 'en-US' } } }, updatedAt: '2026-11-22T10:00:00Z', version: 1 },
    { userId: 'u2', born: expect.any(String), userData: { data: {} }, version: 1 },
  ]);
});

it('keeps every change when many users save at once', async () => {
  const { db, rows } = freshDb();
  await Promise.all(Array.from({ length: 200 }, (_, i) => db.save(`u${i}`, 'userData', { data: { n: i } })));
  expect(rows()).toHaveLength(200);
});

it('hands out copies: changing a loaded user changes nothing stored', async () => {
  const { db } = freshDb();
  await db.save('u1', 'userData', { data: { n: 1 } });
  const loaded = (await db.load('u1')) as { userData: { data: { n: number } } };
  loaded.userData.data.n = 99;
  await expect(db.load('u1')).resolves.toEqual({ userId: 'u1', userData: { data: { n: 1 } } });
});

it('notices when another process changed the file', async () => {
  const { db, file } = freshDb();
  await db.save('u1', 'userData', { data: { n: 1 } });
  await db.load('u1');
  fs.writeFileSync(file, JSON.stringify([{ userId: 'u1', userData: { data: { n: 2, changed: 'elsewhere' } } }]));
  await expect(db.load('u1')).resolves.toEqual({ userId: 'u1', userData: { data: { n: 2, changed: 'elsewhere' } } });
});

it('replaces the file in one step, leaving no temporary file behind', async () => {
  const { db, file } = freshDb();
  await db.save('u1', 'userData', { data: {} });
  expect(fs.readdirSync(path.dirname(file))).toEqual(['users.json']);
});

it('deletes a user and answers undefined for unknown ones', async () => {
  const { db, rows } = freshDb();
  await db.save('u1', 'userData', { data: {} });
  await db.save('u2', 'userData', { data: {} });
  await expect(db.delete('u1')).resolves.toBe(1);
  await expect(db.delete('nobody')).resolves.toBe(0);
  await expect(db.load('u1')).resolves.toBeUndefined();
  expect(rows().map((row) => row.userId)).toEqual(['u2']);
});

it('reads a file Jovo\'s FileDb wrote (tab-indented) as it is, and keeps it an array Jovo\'s FileDb reads', async () => {
  const { db, file, rows } = freshDb();
  fs.writeFileSync(file, JSON.stringify([{ userId: 'u1', userData: { data: { n: 1 } } }, { userId: 'u2', userData: { data: { n: 2 } } }], null, '\t'));
  await expect(db.load('u2')).resolves.toEqual({ userId: 'u2', userData: { data: { n: 2 } } });
  await db.save('u1', 'userData', { data: { n: 3 } });
  await db.save('u3', 'userData', { data: { n: 4 } });
  const jovo = new FileDb({ pathToFile: file });
  await expect(jovo.load('u1')).resolves.toMatchObject({ userData: { data: { n: 3 } } });
  expect(rows().map((row) => row.userId)).toEqual(['u2', 'u1', 'u3']);
});

it('reads the users again when another writer changed the file, even to the same size', async () => {
  const { db, file } = freshDb();
  await db.save('u1', 'userData', { data: { n: 1 } });
  const other = new SerialFileDb({ pathToFile: file });
  other.install({} as never);
  await other.save('u1', 'userData', { data: { n: 2 } });
  await other.delete('u1');
  await other.save('u2', 'userData', { data: { n: 3 } });
  await expect(db.load('u1')).resolves.toBeUndefined();
  await expect(db.load('u2')).resolves.toMatchObject({ userData: { data: { n: 3 } } });
});

it('compacts the file when replaced rows outgrow the current ones, keeping every user', async () => {
  const { db, file, rows } = freshDb();
  const padding = 'x'.repeat(4000);
  for (let round = 0; round < 10; round++) {
    await Promise.all(Array.from({ length: 100 }, (_, i) => db.save(`u${i}`, 'userData', { data: { round, padding } })));
  }
  // 100 rows of about 4 KB: without compaction the file would hold 1,000 of them (4 MB).
  expect(fs.statSync(file).size).toBeLessThan(2 * 100 * 4100 + (1 << 20) + 4100);
  expect(rows()).toHaveLength(100);
  expect(rows().every((row) => (row.userData as { data: { round: number } }).data.round === 9)).toBe(true);
  await expect(db.load('u42')).resolves.toMatchObject({ userData: { data: { round: 9 } } });
  expect(fs.readdirSync(path.dirname(file))).toEqual(['users.json']);
});

it('loses nothing to a crash mid-append: the row cut short is dropped and the array closed again', async () => {
  const { db, file, rows } = freshDb();
  await db.save('u1', 'userData', { data: { n: 1 } });
  await db.save('u2', 'userData', { data: { n: 2 } });
  // What a crash while appending u1's next row leaves: the closing bracket overwritten, the row not whole.
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, `${text.slice(0, text.lastIndexOf('\n]'))},\n{"userId":"u1","userData":{"da`);
  const after = new SerialFileDb({ pathToFile: file });
  after.install({} as never);
  await expect(after.load('u1')).resolves.toMatchObject({ userData: { data: { n: 1 } } });
  expect(rows().map((row) => row.userId)).toEqual(['u1', 'u2']);
});

it('keeps a valid JSON array after a crash mid-append of the very first row', async () => {
  const { file } = freshDb();
  fs.writeFileSync(file, '[\n{"userId":"u1","userData":{"da');
  const db = new SerialFileDb({ pathToFile: file });
  db.install({} as never);
  await expect(db.load('u1')).resolves.toBeUndefined();
  await db.save('u2', 'userData', { data: { n: 2 } });
  // The cut row once counted as a value, and the next append put a comma before the first row.
  expect(() => JSON.parse(fs.readFileSync(file, 'utf8'))).not.toThrow();
  await expect(new FileDb({ pathToFile: file }).load('u2')).resolves.toMatchObject({ userData: { data: { n: 2 } } });
});

it('keeps the file\'s permissions when it compacts it', async () => {
  const { db, file } = freshDb();
  fs.chmodSync(file, 0o600);
  const padding = 'x'.repeat(4000);
  for (let round = 0; round < 6; round++) {
    await Promise.all(Array.from({ length: 100 }, (_, i) => db.save(`u${i}`, 'userData', { data: { round, padding } })));
  }
  expect(fs.readFileSync(file, 'utf8').length).toBeLessThan(2 * 100 * 4200 + (1 << 20)); // compacted at least once
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
});

it('takes the later of two rows of a user (a crash between the append and the blanking) and blanks the earlier', async () => {
  const { file, rows } = freshDb();
  fs.writeFileSync(file, '[\n{"userId":"u1","userData":{"data":{"n":1}},"version":1},\n{"userId":"u1","userData":{"data":{"n":2}},"version":2}\n]');
  const db = new SerialFileDb({ pathToFile: file });
  db.install({} as never);
  await expect(db.load('u1')).resolves.toEqual({ userId: 'u1', userData: { data: { n: 2 } } });
  expect(rows()).toEqual([{ userId: 'u1', userData: { data: { n: 2 } }, version: 2 }]);
});

it('lists every row a row at a time, and all of them at once', async () => {
  const { db } = freshDb();
  await db.save('u1', 'userData', { data: { n: 1 } });
  await db.save('u2', 'userData', { data: { n: 2 } });
  await db.save('u1', 'userData', { data: { n: 3 } });
  const seen: unknown[] = [];
  await db.forEachRow((row) => seen.push(row.userId));
  expect(seen).toEqual(['u2', 'u1']);
  await expect(db.all()).resolves.toEqual([expect.objectContaining({ userId: 'u2' }), expect.objectContaining({ userId: 'u1', userData: { data: { n: 3 } } })]);
});

it('refuses a file that is no JSON array, with its code', async () => {
  const { db, file } = freshDb();
  fs.writeFileSync(file, '{"userId": "u1"}');
  await expect(db.load('u1')).rejects.toMatchObject({ code: 'ERR_STORE_CORRUPT' });
});
