import { json, trigger } from '../helpers/cli';

it('accepts a valid event with exit status 0', async () => {
  const { status, out, err } = await trigger('validate', 'examples/weather-alert.json');
  expect(status).toBe(0);
  expect(out).toBe('✓ examples/weather-alert.json: a valid AMAZON.WeatherAlert.Activated event (Multicast; en-US)\n');
  expect(err).toBe('');
});

it('prints every problem of an invalid event and exits 1', async () => {
  const { status, out } = await trigger('validate', 'invalid/trash-collection-alert.json');
  expect(status).toBe(1);
  expect(out.split('\n')).toEqual([
    '✗ invalid/trash-collection-alert.json: not a valid Proactive Event, 4 problems:',
    expect.stringMatching(/^ {2}- event\.payload\.alert\.garbageTypes\[5\]: expected one of BOTTLES, .*WASTE_PAPER \(given "PAPER"\)$/),
    '  - event.payload.alert.garbageTypes: expected 1 to 5 values (given ["GLASS","CANS","BOTTLES","BULKY","BURNABLE","PAPER"])',
    '  - relevantAudience.payload.user: required: a string',
    '  - expiryTime: must be 5 minutes to 24 hours after timestamp 2026-11-22T10:00:00Z; it is 4 minutes 59 seconds after it (given "2026-11-22T10:04:59Z")',
    '',
  ]);
});

it('prints warnings without failing', async () => {
  const { status, out } = await trigger('validate', 'unused-attribute.json');
  expect(status).toBe(0);
  expect(out).toContain('  warning: localizedAttributes[0].creatorName: not used: no payload field says localizedattribute:creatorName\n');
});

it('prints the same result as one JSON object with --json', async () => {
  const valid = await trigger('validate', 'unused-attribute.json', '--json');
  expect(json(valid.out)).toEqual({
    file: 'unused-attribute.json',
    valid: true,
    event: 'AMAZON.MessageAlert.Activated',
    errors: [],
    warnings: [{ path: 'localizedAttributes[0].creatorName', message: 'not used: no payload field says localizedattribute:creatorName' }],
  });
  const invalid = await trigger('validate', '--json', 'invalid/trash-collection-alert.json');
  expect(invalid.status).toBe(1);
  expect(json(invalid.out)).toMatchObject({
    valid: false,
    event: null,
    errors: expect.arrayContaining([{ path: 'relevantAudience.payload.user', message: 'required: a string' }]),
  });
  expect((json(invalid.out).errors as unknown[]).length).toBe(4);
});

it('refuses a file that is not JSON, saying so', async () => {
  const { status, out } = await trigger('validate', 'invalid/not-json.json');
  expect(status).toBe(1);
  expect(out).toMatch(/^✗ invalid\/not-json\.json: not a valid Proactive Event, 1 problem:\n {2}- \(the whole input\): not JSON: /);
});

it('exits 2 with a message on stderr when the file does not exist or is not given', async () => {
  await expect(trigger('validate', 'missing.json')).resolves.toEqual({ status: 2, out: '', err: 'Cannot read missing.json: no such file\n' });
  const none = await trigger('validate');
  expect(none.status).toBe(2);
  expect(none.err).toContain("error: missing required argument 'file'");
});
