import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
