import { createServer } from 'net';
import * as path from 'path';
import { runCli, type Io } from '../../src/cli';
import type { Emulator } from '../../src/emulator';

/** `alexa-proactive-events emulator …`: the emulator it started, or the exit status. */
async function startEmulator(argv: string[], io: Io): Promise<Emulator | number> {
  const { status, emulator } = await runCli(['emulator', ...argv], io);
  return emulator ?? status;
}

function capture() {
  const io = { out: '', err: '', cwd: process.cwd() };
  return { io, sink: { out: (text: string) => (io.out += text), err: (text: string) => (io.err += text), cwd: io.cwd } };
}

it('starts on the given port, says where everything is, and logs each request without secrets', async () => {
  const { io, sink } = capture();
  const emulator = (await startEmulator(['--port', '0', '--fault-script', '503'], sink)) as Emulator;
  try {
    expect(io.out).toContain(`Amazon emulator listening on ${emulator.url}\n`);
    expect(io.out).toContain(`Point a TokenClient's tokenUrl at ${emulator.url}/auth/o2/token and list ${emulator.url} in the sender's allowedOrigins\n`);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'id', client_secret: 'cli-secret', scope: 'alexa::proactive_events' });
    const { access_token: token } = (await (await fetch(`${emulator.url}/auth/o2/token`, { method: 'POST', body: form })).json()) as { access_token: string };
    const fault = await fetch(`${emulator.url}/v1/proactiveEvents/stages/development`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(fault.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(io.out).toMatch(/ POST \/auth\/o2\/token 200\n/);
    expect(io.out).toMatch(/ POST \/v1\/proactiveEvents\/stages\/development 503\n/);
    expect(io.out).not.toContain('cli-secret');
    expect(io.out).not.toContain(token);
  } finally {
    await emulator.close();
  }
});

it('takes faults from the environment', async () => {
  process.env.EMULATOR_FAULT_SCRIPT = '429';
  process.env.EMULATOR_RETRY_AFTER = '9';
  try {
    const emulator = (await startEmulator(['--port', '0', '--quiet'], capture().sink)) as Emulator;
    try {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'id', client_secret: 'secret', scope: 'alexa::proactive_events' });
      const { access_token: token } = (await (await fetch(`${emulator.url}/auth/o2/token`, { method: 'POST', body: form })).json()) as { access_token: string };
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const response = await fetch(`${emulator.url}/v1/proactiveEvents`, { method: 'POST', headers, body: '{}' });
      expect([response.status, response.headers.get('retry-after')]).toEqual([429, '9']);
    } finally {
      await emulator.close();
    }
  } finally {
    delete process.env.EMULATOR_FAULT_SCRIPT;
    delete process.env.EMULATOR_RETRY_AFTER;
  }
});

it.each([
  [['--fault-rate', '1.5'], "option '--fault-rate <share>' argument '1.5' is invalid. expected a share from 0 to 1"],
  [['--port', 'http'], "option '--port <n>' argument 'http' is invalid. expected a whole number from 0 to 65535"],
  [['--fault-script', '429,oops'], 'expected statuses (200 to 599) or "drop"'],
  [['--client', 'no-secret'], 'expected id:secret'],
])('refuses %p with exit 2, saying what is allowed', async (argv, message) => {
  const { io, sink } = capture();
  await expect(startEmulator(argv, sink)).resolves.toBe(2);
  expect(io.err).toContain(message);
});

it('exits 1 and names the flag to change when the port is taken', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { io, sink } = capture();
  try {
    await expect(startEmulator(['--port', String((blocker.address() as { port: number }).port)], sink)).resolves.toBe(1);
    expect(io.err).toMatch(/^Cannot start the emulator: .*EADDRINUSE.* \(choose another --port\)\n$/);
  } finally {
    blocker.close();
  }
});

it('shows its options and examples with --help', async () => {
  const { io, sink } = capture();
  await expect(startEmulator(['--help'], sink)).resolves.toBe(0);
  expect(io.out).toContain('--fault-rate <share>');
  expect(io.out).toContain('(env: EMULATOR_FAULT_RATE)');
  expect(io.out).toContain('  alexa-proactive-events emulator --port 3101 --fault-rate 0.2 --latency 20');
});

it('lets the skill send what its built manifest publishes, found from the current folder up', async () => {
  const { io, sink } = capture();
  const inside = { ...sink, cwd: path.join(__dirname, '..', 'fixtures', 'skill-package') };
  const emulator = (await startEmulator(['--port', '0', '--quiet'], inside)) as Emulator;
  try {
    expect(io.out).toContain('  publications        of skill.json\n');
  } finally {
    await emulator.close();
  }
  const nowhere = capture();
  const anything = (await startEmulator(['--port', '0', '--quiet'], { ...nowhere.sink, cwd: path.parse(__dirname).root })) as Emulator;
  try {
    expect(nowhere.io.out).toContain('  publications        every event (no skill.json found: --skill-json names one)\n');
  } finally {
    await anything.close();
  }
});
