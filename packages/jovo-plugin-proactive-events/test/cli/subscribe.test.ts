import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { runTrigger } from '../../src/cli';
import { PROJECT } from '../helpers/app';

const ME = 'amzn1.ask.account.ME';
const WEATHER = 'AMAZON.WeatherAlert.Activated';
const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
let emulator: Emulator;

async function trigger(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runTrigger([...argv, '--emulator', emulator.url], { out: (text) => (out += text), err: (text) => (err += text), cwd: PROJECT });
  return { status, out, err };
}

afterEach(() => emulator.close());

it('turns events on and off for a user on the emulator, by name or command, and says the skill was told', async () => {
  const told: unknown[] = [];
  const { createServer } = await import('http');
  const skill = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk)).on('end', () => told.push(JSON.parse(body)) && res.end('{}'));
  });
  await new Promise<void>((resolve) => skill.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(skill.address() as { port: number }).port}/webhook`;
  emulator = await createEmulator({ port: 0, subscribers: {}, skill: { url } });
  try {
    const on = await trigger('subscribe', '--user', ME, '--event', 'weather', '--event', TRASH, '--locale', 'de-DE');
    expect(on).toEqual({ status: 0, out: `✓ ${ME} is subscribed to ${WEATHER}, ${TRASH}\n  the skill at ${url} answered 200\n`, err: '' });
    const off = await trigger('unsubscribe', '--user', ME, '--event', 'trash');
    expect(off.out).toContain(`✓ ${ME} is subscribed to ${WEATHER}\n`);
    expect(emulator.subscribers()).toEqual([{ user: ME, events: [WEATHER], locale: 'de-DE' }]);
    expect(told).toHaveLength(2);
    expect((await trigger('unsubscribe', '--user', ME)).out).toContain(`✓ ${ME} is subscribed to nothing\n`);
  } finally {
    await new Promise((resolve) => skill.close(resolve));
  }
});

it('subscribes to every published event by default, and warns that no skill was told without one', async () => {
  emulator = await createEmulator({ port: 0, subscribers: {}, publishedEvents: [WEATHER, TRASH] });
  const { status, out, err } = await trigger('subscribe', '--user', ME);
  expect(status).toBe(0);
  expect(out).toBe(`✓ ${ME} is subscribed to ${WEATHER}, ${TRASH}\n`);
  expect(err).toBe('  no skill was told: start the emulator with --skill <webhook URL> (npm run dev does)\n');
});

it('exits 2 for an event typed wrong or not published, naming what is allowed, and changes nothing', async () => {
  emulator = await createEmulator({ port: 0, subscribers: {}, publishedEvents: [WEATHER] });
  const typo = await trigger('subscribe', '--user', ME, '--event', 'wether');
  expect(typo.status).toBe(2);
  expect(typo.err).toMatch(/option '--event <name>' argument 'wether' is invalid\. expected an event name or command \(weather, sports, .*\) or "all", not "wether" \(did you mean weather\?\)/);
  const unpublished = await trigger('subscribe', '--user', ME, '--event', 'trash');
  expect(unpublished).toMatchObject({ status: 2, err: `✗ --event: the skill does not publish ${TRASH}; it publishes ${WEATHER}\n` });
  expect(emulator.subscribers()).toEqual([]);
});

it('says what to do when the skill refuses the change, or the emulator is not there', async () => {
  const { createServer } = await import('net');
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const gone = `http://127.0.0.1:${(closed.address() as { port: number }).port}/webhook`;
  await new Promise((resolve) => closed.close(resolve));
  emulator = await createEmulator({ port: 0, subscribers: {}, skill: { url: gone } });
  const unreachable = await trigger('subscribe', '--user', ME);
  expect(unreachable.status).toBe(3);
  expect(unreachable.err).toBe(`✗ the skill was not told: the skill at ${gone} could not be reached (ECONNREFUSED): is it running?\n`);
  const nowhere = new URL(gone).origin;
  let err = '';
  const status = await runTrigger(['subscribe', '--user', ME, '--emulator', nowhere], { out: () => undefined, err: (text) => (err += text), cwd: PROJECT });
  expect(status).toBe(3);
  expect(err).toBe(`✗ the emulator at ${nowhere} does not answer (ECONNREFUSED): start it with npm run emulator or npm run dev, or name it with --emulator\n`);
});
