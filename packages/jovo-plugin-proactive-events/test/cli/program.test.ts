import * as path from 'path';
import { PROJECT } from '../helpers/app';
import { runTrigger } from '../../src/cli';

/** Runs the trigger script in-process from the test project's folder, capturing what it prints. */
async function trigger(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runTrigger(argv, { out: (text) => (out += text), err: (text) => (err += text), cwd: PROJECT });
  return { status, out, err };
}

it('shows every command with --help and exits 0', async () => {
  const { status, out } = await trigger('--help');
  expect(status).toBe(0);
  for (const command of ['weather', 'sports', 'message', 'order', 'occasion', 'trash', 'media', 'game-invite']) expect(out).toMatch(new RegExp(`\\n  ${command} \\[options\\]`));
  expect(out).toMatch(/send \[options\]/);
  expect(out).toMatch(/validate \[options\] <file>/);
  expect(out).toMatch(/preview \[options\] <file>/);
});

it.each(['validate', 'preview', 'send'])('shows options and an example that works for %s --help', async (command) => {
  const { status, out } = await trigger(command, '--help');
  expect(status).toBe(0);
  expect(out).toContain('--json');
  const example = new RegExp(`\\n  npx proactive-events (${command} [^\\n]+)\\n`).exec(out);
  expect(example?.[1]).toMatch(new RegExp(`^${command} .*node_modules/alexa-proactive-events/examples/weather-alert\\.json`));
  if (command === 'send') return; // it sends: the example names a file that exists, which is what is checked
  // Run in a project that installed the library, as the example is written: the file is there.
  const run = await runTrigger(example![1].split(' '), { out: () => undefined, err: () => undefined, cwd: path.join(__dirname, '..', '..', '..', '..') });
  expect(run).toBe(0);
});

it('says which flags are optional, from the event schema', async () => {
  const help = (await trigger('order', '--help')).out.replace(/\s+/g, ' ');
  expect(help).toContain('--seller <value> the seller, e.g. "Amazon" --expected-arrival');
  expect(help).toContain('--expected-arrival <value> when it arrives (shipped, out for delivery) (ISO 8601, e.g. 2026-12-01T12:00:00Z) (optional)');
});

it('exits 2 on an unknown command or option, saying what is wrong on stderr', async () => {
  const unknown = await trigger('sned', 'event.json');
  expect(unknown.status).toBe(2);
  expect(unknown.err).toContain("error: unknown command 'sned'");
  const option = await trigger('validate', 'x.json', '--jsn');
  expect(option.status).toBe(2);
  expect(option.err).toContain("error: unknown option '--jsn'");
});

it('prints usage and exits 2 when run without a command', async () => {
  const { status, out } = await trigger();
  expect(status).toBe(2);
  expect(out).toContain('Usage: proactive-events <command> [options]');
});
