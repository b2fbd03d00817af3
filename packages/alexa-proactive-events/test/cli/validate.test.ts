import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PACKAGE, cli, json } from '../helpers/cli';
import { runCli } from '../../src/cli';

it('accepts a valid event with exit status 0', async () => {
  const { status, out, err } = await cli('validate', 'examples/weather-alert.json');
  expect(status).toBe(0);
  expect(out).toBe('✓ examples/weather-alert.json: a valid AMAZON.WeatherAlert.Activated event (Multicast; en-US)\n');
  expect(err).toBe('');
});

it('prints every problem of an invalid event and exits 1', async () => {
  const { status, out } = await cli('validate', 'test/fixtures/invalid/trash-collection-alert.json');
  expect(status).toBe(1);
  expect(out.split('\n')).toEqual([
    '✗ test/fixtures/invalid/trash-collection-alert.json: not a valid Proactive Event, 4 problems:',
    expect.stringMatching(/^ {2}- event\.payload\.alert\.garbageTypes\[5\]: expected one of BOTTLES, .*WASTE_PAPER \(given "PAPER"\)$/),
    '  - event.payload.alert.garbageTypes: expected 1 to 5 values (given ["GLASS","CANS","BOTTLES","BULKY","BURNABLE","PAPER"])',
    '  - relevantAudience.payload.user: required: a string',
    '  - expiryTime: must be 300 s (5 minutes) to 86,400 s (24 hours) after timestamp 2026-11-22T10:00:00Z; it is 299 s after it (given "2026-11-22T10:04:59Z")',
    '',
  ]);
});

it('prints warnings without failing', async () => {
  const { status, out } = await cli('validate', 'test/fixtures/unused-attribute.json');
  expect(status).toBe(0);
  expect(out).toContain('  warning: localizedAttributes[0].creatorName: not used: no payload field says localizedattribute:creatorName\n');
});

it('prints the same result as one JSON object with --json', async () => {
  const valid = await cli('validate', 'test/fixtures/unused-attribute.json', '--json');
  expect(json(valid.out)).toEqual({
    file: 'test/fixtures/unused-attribute.json',
    valid: true,
    event: 'AMAZON.MessageAlert.Activated',
    errors: [],
    warnings: [{ path: 'localizedAttributes[0].creatorName', message: 'not used: no payload field says localizedattribute:creatorName' }],
  });
  const invalid = await cli('validate', '--json', 'test/fixtures/invalid/trash-collection-alert.json');
  expect(invalid.status).toBe(1);
  expect(json(invalid.out)).toMatchObject({
    valid: false,
    event: null,
    errors: expect.arrayContaining([{ path: 'relevantAudience.payload.user', message: 'required: a string' }]),
  });
  expect((json(invalid.out).errors as unknown[]).length).toBe(4);
});

it('refuses a file that is not JSON, saying so', async () => {
  const { status, out } = await cli('validate', 'test/fixtures/invalid/not-json.json');
  expect(status).toBe(1);
  expect(out).toMatch(/^✗ test\/fixtures\/invalid\/not-json\.json: not a valid Proactive Event, 1 problem:\n {2}- \(the whole input\): not valid JSON at line 2, column 1: Expected double-quoted property name/);
});

it('exits 2 with a message on stderr when the file does not exist or is not given', async () => {
  await expect(cli('validate', 'missing.json')).resolves.toEqual({ status: 2, out: '', err: 'Cannot read missing.json: no such file\n' });
  const none = await cli('validate');
  expect(none.status).toBe(2);
  expect(none.err).toContain("error: missing required argument 'file'");
});

describe('the validation policy', () => {
  const run = async (file: string, ...flags: string[]) => {
    let out = '';
    const { status } = await runCli(['validate', file, ...flags], { out: (text) => (out += text), err: () => undefined, cwd: PACKAGE, now: () => Date.parse('2026-12-01T00:00:00Z') });
    return { status, out };
  };

  it('warns of an expiry already past, since nothing is sent', async () => {
    const { status, out } = await run('examples/weather-alert.json');
    expect(status).toBe(0);
    expect(out).toContain('  warning: expiryTime: has passed (it is 2026-12-01T00:00:00.000Z): Amazon would not deliver the event (given "2026-11-22T11:00:00Z")\n');
    // Also when the file is refused for something else.
    const strictFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'past-')), 'event.json');
    const body = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'examples', 'weather-alert.json'), 'utf8'));
    fs.writeFileSync(strictFile, JSON.stringify({ ...body, referenceId: '' }));
    expect(JSON.parse((await run(strictFile, '--json')).out)).toMatchObject({
      valid: false,
      warnings: [{ path: 'expiryTime', message: 'has passed (it is 2026-12-01T00:00:00.000Z): Amazon would not deliver the event', value: '2026-11-22T11:00:00Z' }],
    });
  });

  it('refuses with --strict what is otherwise a warning', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strict-')), 'event.json');
    const body = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'examples', 'weather-alert.json'), 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...body, timestamp: '2026-12-01T10:00:00', expiryTime: '2026-12-01T11:00:00Z' }));
    expect(await run(file)).toMatchObject({ status: 0, out: expect.stringContaining('  warning: timestamp: has no time zone') });
    expect(await run(file, '--strict')).toMatchObject({ status: 1, out: expect.stringContaining('  - timestamp: has no time zone') });
  });
});

it('says a signed trigger is a trigger, not an invalid event, and names where JSON breaks by line and column', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-'));
  const trigger = path.join(dir, 'trigger.json');
  const { triggerRequest } = await import('../../src/trigger');
  const data = { event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'TORNADO' } } }, referenceId: 'r', stage: 'development', explicitEndpoint: false } as const;
  fs.writeFileSync(trigger, JSON.stringify(triggerRequest({ skillId: 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000', intent: 'WeatherAlertIntent', data, apiEndpoint: 'https://api.amazonalexa.com', locale: 'en-US', secret: 'a-secret-of-sixteen-characters' })));
  const signed = await cli('validate', trigger);
  expect(signed.status).toBe(1);
  expect(signed.out).toBe(
    `✗ ${trigger}: not a valid Proactive Event, 1 problem:\n  - (the whole input): this is a signed trigger (what --dry-run prints), not a request body; the event inside is at trigger.data.event: post the trigger to the skill, or give a request body\n`,
  );
  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{\n  "events": [\n    "AMAZON.WeatherAlert.Activated",\n  ],\n  "x": 1\n}\n');
  expect((await cli('validate', broken)).out).toContain('  - (the whole input): not valid JSON at line 4, column 3: Unexpected token \']\'\n');
});
