import { RowIndex, hashOf, type FoundRow } from '../src/stores/rowIndex';
import type { IndexEntry } from '../src/stores/subscriberIndex';

/**
 * SerialFileDb's table of rows, driven beside a Map that holds what it should: a "file" of rows by their start,
 * written only by appending, as SerialFileDb writes. The table keeps no ids, so it must find each user by reading
 * the rows its hash points at; with a hash that sends every id to one slot, it still must.
 */
function harness(hash?: (id: string) => number) {
  const file = new Map<number, FoundRow>();
  let end = 1;
  const reads = { count: 0 };
  const read = (start: number): FoundRow => {
    reads.count++;
    const row = file.get(start);
    if (!row) throw new Error(`no row at ${start}`);
    return row;
  };
  const index = new RowIndex((row) => (typeof row.userId === 'string' ? row.userId : undefined), hash);
  const model = new Map<string, { start: number; entry?: IndexEntry }>();
  const write = (userId: string, entry?: IndexEntry) => {
    const start = end;
    end += 100;
    file.set(start, { value: { userId, entry }, start, end: start + 90 });
    const found = index.find(userId, read);
    if (found) index.update(found, start, entry);
    else index.add(userId, start, entry);
    model.set(userId, { start, entry });
  };
  const remove = (userId: string) => {
    const found = index.find(userId, read);
    if (found) index.remove(found);
    model.delete(userId);
  };
  return { index, read, write, remove, model, reads };
}

const berlin: IndexEntry = { zone: 'Europe/Berlin', region: 'EU', events: ['AMAZON.WeatherAlert.Activated'] };
const tokyo: IndexEntry = { zone: 'Asia/Tokyo', region: 'FE', events: ['AMAZON.WeatherAlert.Activated', 'AMAZON.MessageAlert.Activated'] };

it.each([
  ['its own hash', undefined],
  ['a hash that gives every id the same value', () => 7],
  ['a hash of 16 values', (id: string) => hashOf(id) & 15],
])('finds, moves and forgets each user as a Map would, through growth and removals, with %s', (_, hash) => {
  const { index, read, write, remove, model } = harness(hash);
  const users = hash ? 600 : 3000;
  for (let i = 0; i < users; i++) write(`amzn1.ask.account.U${i}`, i % 3 === 0 ? berlin : i % 3 === 1 ? tokyo : undefined);
  for (let i = 0; i < users; i += 2) write(`amzn1.ask.account.U${i}`, tokyo); // a second row for half
  for (let i = 0; i < users; i += 5) remove(`amzn1.ask.account.U${i}`);
  for (let i = users; i < users + users / 2; i++) write(`amzn1.ask.account.U${i}`, berlin); // past the removed slots

  expect(index.size).toBe(model.size);
  for (let i = 0; i < users + users / 2; i++) {
    const userId = `amzn1.ask.account.U${i}`;
    const found = index.find(userId, read);
    expect(found?.start).toBe(model.get(userId)?.start);
    if (found) expect(index.isCurrent(userId, found.start)).toBe(true);
  }
  const listed = (entry: IndexEntry) =>
    [...model].filter(([, each]) => each.entry === entry).map(([userId, each]) => ({ userId, zone: entry.zone, region: entry.region, start: each.start }));
  const inFileOrder = (rows: ReturnType<typeof listed>) => rows.sort((a, b) => a.start - b.start).map(({ start: _start, ...row }) => row);
  expect(index.list('AMAZON.MessageAlert.Activated', 'zone', ['Asia/Tokyo'], read)).toEqual(inFileOrder(listed(tokyo)));
  expect(index.list('AMAZON.WeatherAlert.Activated', 'region', ['FE', 'EU'], read)).toEqual([...inFileOrder(listed(tokyo)), ...inFileOrder(listed(berlin))]);
  expect(index.zones()).toEqual(['Asia/Tokyo', 'Europe/Berlin']);
});

it('reads one row to find a user whose hash no other user shares', () => {
  const { index, read, write, reads } = harness();
  for (let i = 0; i < 1000; i++) write(`amzn1.ask.account.U${i}`);
  reads.count = 0;
  expect(index.find('amzn1.ask.account.U500', read)?.value.userId).toBe('amzn1.ask.account.U500');
  expect(reads.count).toBe(1);
  reads.count = 0;
  expect(index.find('amzn1.ask.account.NOBODY', read)).toBeUndefined();
  expect(reads.count).toBe(0);
});

it('names a zone only while a subscriber is in it, and lists nobody for an event none subscribed to', () => {
  const { index, read, write, remove } = harness();
  write('u1', berlin);
  write('u2', tokyo);
  expect(index.zones()).toEqual(['Asia/Tokyo', 'Europe/Berlin']);
  write('u1', undefined); // unsubscribed from all
  remove('u2');
  expect(index.zones()).toEqual([]);
  expect(index.list('AMAZON.WeatherAlert.Activated', 'zone', ['Europe/Berlin', 'Asia/Tokyo'], read)).toEqual([]);
  write('u3', berlin);
  expect(index.list('AMAZON.OrderStatus.Updated', 'zone', ['Europe/Berlin'], read)).toEqual([]);
});

it('keeps a row moved by compaction findable at its new place, and the old place no longer its', () => {
  const { index, read, write, model } = harness();
  write('u1', berlin);
  write('u2', berlin);
  const from = model.get('u2')!.start;
  index.move('u2', from, 7);
  expect(index.isCurrent('u2', 7)).toBe(true);
  expect(index.isCurrent('u2', from)).toBe(false);
  expect(() => index.find('u2', read)).toThrow('no row at 7'); // it reads where the row now is
});
