import { trigger } from '../helpers/cli';

it('shows every command with --help and exits 0', async () => {
  const { status, out } = await trigger('--help');
  expect(status).toBe(0);
  expect(out).toMatch(/validate \[options\] <file>/);
  expect(out).toMatch(/preview \[options\] <file>/);
});

it.each(['validate', 'preview'])('shows options and an example for %s --help', async (command) => {
  const { status, out } = await trigger(command, '--help');
  expect(status).toBe(0);
  expect(out).toContain('--json');
  expect(out).toContain(`Examples:\n  npm run trigger -- ${command} event.json`);
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
  expect(out).toContain('Usage: trigger <command> [options]');
});
