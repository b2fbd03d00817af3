import { DigestSet } from '../src/send/digestSet';

it('says a text is new once, through the table\'s growth, and forgets all on clear', () => {
  const set = new DigestSet();
  const texts = Array.from({ length: 20_000 }, (_, i) => `live\nref-${i % 7}\namzn1.ask.account.U${i}`);
  expect(texts.map((text) => set.addNew(text)).every(Boolean)).toBe(true);
  expect(texts.map((text) => set.addNew(text)).some(Boolean)).toBe(false);
  expect(set.addNew('live\nref-0\namzn1.ask.account.U20000')).toBe(true);
  expect(set.size).toBe(20_001);
  set.clear();
  expect(set.size).toBe(0);
  expect(set.addNew(texts[0])).toBe(true);
});
