import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { LogLevel } from 'jovo-core';
import { runTrigger } from '../src/cli';
import { EXAMPLES, PROJECT } from './helpers/app';
import { close, startSkill, trigger } from './helpers/pipeline';

/**
 * A developer's everyday mistakes, each answered in one line that names the flag, field or file line and what to
 * do, with the documented exit status and no stack trace.
 */
const SECRET = 'a-trigger-secret-of-enough-length';

async function run(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const status = await runTrigger(argv, { out: (text) => (out += text), err: (text) => (err += text), cwd: PROJECT, env });
  return { status, out, err };
}

describe('the trigger script', () => {
  it.each([
    ['fr-FR', "--locale fr-FR: not one of this skill's locales (app.json): en-US, de-DE\n"],
    ['en_US', '--locale "en_US": expected a locale like en-US\n'],
  ])('refuses --locale %s before anything is built or sent', async (locale, message) => {
    const { status, err } = await run(['weather', '--alert-type', 'TORNADO', '--locale', locale, '--secret', SECRET, '--dry-run']);
    expect({ status, err }).toEqual({ status: 2, err: message });
  });

  it('names the flag, not the payload path, of a wrong or missing value', async () => {
    const wrong = await run(['weather', '--alert-type', 'TORNDO', '--secret', SECRET, '--dry-run']);
    expect(wrong.status).toBe(2); // typed wrong on the command line, like any flag
    expect(wrong.err).toBe('AMAZON.WeatherAlert.Activated not sent, 1 problem:\n  - --alert-type: expected one of TORNADO, HURRICANE, SNOW_STORM, THUNDER_STORM (given "TORNDO")\n');
    const missing = await run(['order', '--seller', 'Example Shop', '--secret', SECRET, '--dry-run']);
    expect(missing.err).toBe('AMAZON.OrderStatus.Updated not sent, 1 problem:\n  - --status: required\n');
  });

  it('exits 2 for anything typed wrong, whichever flag: a schema value, a choice, a URL', async () => {
    const runs = await Promise.all([
      run(['weather', '--alert-type', 'TORNDO', '--secret', SECRET, '--dry-run']),
      run(['weather', '--alert-type', 'TORNADO', '--region', 'XX', '--secret', SECRET, '--dry-run']),
      run(['weather', '--alert-type', 'TORNADO', '--endpoint', 'localhost:3000', '--secret', SECRET, '--dry-run']),
      // Without a secret too: the mistyped endpoint is what is named, not the secret.
      run(['weather', '--alert-type', 'TORNADO', '--endpoint', 'localhost:3000', '--dry-run']),
    ]);
    expect(runs.map(({ status }) => status)).toEqual([2, 2, 2, 2]);
    expect(runs[2].err).toBe('--endpoint "localhost:3000" is not an http(s) URL; expected e.g. http://localhost:3000/webhook, an https URL or jovo-webhook\n');
    expect(runs[3].err).toBe(runs[2].err);
  });

  it('says to put -- after `npm run trigger` when npm took the flags for itself', async () => {
    // `npm run trigger weather --alert-type TORNADO`: npm keeps --alert-type and passes on "weather TORNADO".
    const npm = { npm_lifecycle_event: 'trigger', npm_config_alert_type: 'true', npm_config_source: 'true' };
    const { status, err } = await run(['weather', 'TORNADO', 'Weather Knows'], npm);
    expect(status).toBe(2);
    expect(err).toBe(
      'npm took --alert-type, --source for itself and passed on only the values: put -- after the script\'s name, as in ' +
        'npm run trigger -- weather --alert-type TORNADO (or run npx proactive-events weather --alert-type TORNADO)\n',
    );
  });

  it('warns that npm printed a secret given with --secret in its banner', async () => {
    const { err } = await run(['weather', '--alert-type', 'TORNADO', '--secret', SECRET, '--dry-run'], { npm_lifecycle_event: 'trigger', npm_config_loglevel: 'notice' });
    expect(err).toBe('warning: npm printed the trigger secret in its banner above; keep it in TRIGGER_SECRET (.env) instead, or run npx proactive-events\n');
    expect((await run(['weather', '--alert-type', 'TORNADO', '--secret', SECRET, '--dry-run'], { npm_lifecycle_event: 'trigger', npm_config_loglevel: 'silent' })).err).toBe('');
  });
});

describe("the skill's log", () => {
  let amazon: Emulator;
  let accepting: Emulator;
  let skill: Awaited<ReturnType<typeof startSkill>>;
  const logged: string[] = [];
  beforeAll(async () => {
    // Amazon refuses every event: the skill publishes none of them, as far as it knows.
    amazon = await createEmulator({ port: 0, publishedEvents: [] });
    accepting = await createEmulator({ port: 0 });
    skill = await startSkill([amazon, accepting]);
    process.env.JOVO_LOG_LEVEL = String(LogLevel.WARN);
    jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
      logged.push(String(text));
      return true;
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    process.env.JOVO_LOG_LEVEL = String(LogLevel.NONE);
    await Promise.all([amazon.close(), accepting.close(), close(skill.server)]);
  });
  beforeEach(() => (logged.length = 0));

  it("says when Amazon rejects a send, with Amazon's reason", async () => {
    const { status } = await trigger(skill.url, 'weather', '--alert-type', 'TORNADO', '--api-endpoint', amazon.url, '--json');
    expect(status).toBe(1);
    expect(logged.join('')).toContain(
      'ProactiveEvents: AMAZON.WeatherAlert.Activated rejected by Amazon: 403: Amazon refused the event: The skill does not publish AMAZON.WeatherAlert.Activated',
    );
  });

  it("says what the validator warned of, and sends the field as given", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'warned-')), 'weather.json');
    const body = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'weather-alert.json'), 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...body, event: { ...body.event, payload: { ...body.event.payload, name: 'weather' } } }));
    const { status, err } = await trigger(skill.url, 'send', '--file', file, '--api-endpoint', accepting.url, '--json');
    const warning = `event.payload.name: unknown field; the fields here are weatherAlert; Amazon's documentation does not name it (given "weather")`;
    expect([status, err]).toEqual([0, `  warning: ${warning}\n`]);
    expect(logged.join('')).toContain(`ProactiveEvents: AMAZON.WeatherAlert.Activated sent with a warning: ${warning}`);
    expect(accepting.accepted[0].request.event.payload).toMatchObject({ name: 'weather' });
  });

  it('says when a send fails after its retries, with the last cause, and keeps the secrets out', async () => {
    amazon.setFaults({ script: [503, 503, 503, 503, 503, 503] });
    const { status } = await trigger(skill.url, 'weather', '--alert-type', 'TORNADO', '--api-endpoint', amazon.url, '--json');
    expect(status).toBe(3);
    const log = logged.join('');
    expect(log).toMatch(/ProactiveEvents: AMAZON\.WeatherAlert\.Activated failed after retries: .*503/);
    expect(log).not.toContain('test-client-secret');
    expect(log).not.toMatch(/Atc\|/);
  }, 60_000);
});
