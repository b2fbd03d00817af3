import * as path from 'path';
import { runTrigger } from '../../src/cli';
import { trigger } from '../helpers/cli';

it('shows every command with --help and exits 0', async () => {
  const { status, out } = await trigger('--help');
  expect(status).toBe(0);
  expect(out).toMatch(/validate \[options\] <file>/);
  expect(out).toMatch(/preview \[options\] <file>/);
});

it.each(['validate', 'preview'])('shows options and an example that works for %s --help', async (command) => {
  const { status, out } = await trigger(command, '--help');
  expect(status).toBe(0);
  expect(out).toContain('--json');
  const example = new RegExp(`\\n  npx proactive-events (${command} \\S+)\\n`).exec(out);
  expect(example?.[1]).toBe(`${command} test/fixtures/examples/weather-alert.json`);
  // Run from the project's folder, as the example is written: the file is there.
  const run = await runTrigger(example![1].split(' '), { out: () => undefined, err: () => undefined, cwd: path.join(__dirname, '..', '..') });
  expect(run).toBe(0);
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
  expect(out).toContain('Usage: proactive-events <command> [options]   (or: npm run trigger -- <command> [options])');
});
