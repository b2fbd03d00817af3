import { formatSendRecord, userHash, type SendRecord } from '../src';
import { example } from './helpers/fixtures';
import { CLIENT_SECRET, sendingSetup } from './helpers/sending';

const USER = 'amzn1.ask.account.SUBSCRIBED';
const weather = () => example('weather-alert.json');
const unicast = (user: string) => ({ ...weather(), relevantAudience: { type: 'Unicast', payload: { user } } });

let setup: Awaited<ReturnType<typeof sendingSetup>>;
let records: SendRecord[];
beforeEach(async () => {
  records = [];
  setup = await sendingSetup({ subscribers: { [USER]: ['AMAZON.WeatherAlert.Activated'] } }, { onSend: (record) => void records.push(record) });
});
afterEach(() => setup.close());

it('gives one record per send, for accepted, duplicate, rejected and failed sends alike', async () => {
  await setup.sender.send(weather(), setup.target);
  await setup.sender.send(weather(), setup.target);
  await setup.sender.send(unicast(USER), { ...setup.target, stage: 'live' });
  await setup.sender.send({ ...weather(), event: { name: 'AMAZON.WeatherAlert.Activated', payload: {} } }, setup.target);
  setup.emulator.setFaults({ script: [503, 503, 503, 503, 503, 503] });
  await setup.sender.send({ ...weather(), referenceId: 'will-fail' }, setup.target);
  const common = { event: 'AMAZON.WeatherAlert.Activated', region: 'other', stage: 'development', latencyMs: expect.any(Number) };
  expect(records).toEqual([
    { ...common, audience: 'Multicast', status: 'accepted', httpStatus: 202, attempts: 1, amazonRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/), referenceId: 'schema-page-example-weather-alert' },
    { ...common, audience: 'Multicast', status: 'duplicate', httpStatus: 409, attempts: 1, amazonRequestId: expect.any(String), referenceId: 'schema-page-example-weather-alert' },
    { ...common, audience: 'Unicast', stage: 'live', status: 'accepted', httpStatus: 202, attempts: 1, amazonRequestId: expect.any(String), referenceId: 'schema-page-example-weather-alert', userHash: userHash(USER) },
    // Refused here: nothing went anywhere.
    { ...common, region: null, audience: 'Multicast', status: 'rejected', httpStatus: null, attempts: 0, amazonRequestId: null, referenceId: 'schema-page-example-weather-alert' },
    { ...common, audience: 'Multicast', status: 'failed', httpStatus: 503, attempts: 6, amazonRequestId: expect.any(String), referenceId: 'will-fail' },
  ]);
  // Never a token, the secret or a user id in clear, in either form.
  const lines = records.flatMap((record) => [formatSendRecord(record, 'json'), formatSendRecord(record, 'text')]).join('\n');
  const token = await setup.tokens.token();
  for (const secret of [CLIENT_SECRET, token, USER]) expect(lines).not.toContain(secret);
});

it('names Amazon\'s region by its host, and writes a JSON line or words', () => {
  const record: SendRecord = {
    event: 'AMAZON.WeatherAlert.Activated',
    audience: 'Unicast',
    region: 'EU',
    stage: 'development',
    status: 'accepted',
    httpStatus: 202,
    attempts: 1,
    latencyMs: 38,
    amazonRequestId: 'b1f1b0c2-0000-4000-8000-000000000000',
    referenceId: 'order-1',
    userHash: userHash(USER),
  };
  expect(JSON.parse(formatSendRecord(record, 'json'))).toEqual({ message: 'send', ...record });
  expect(formatSendRecord(record, 'text')).toBe(
    `send accepted AMAZON.WeatherAlert.Activated Unicast ${userHash(USER)} EU development, 202, 1 attempt, 38 ms, referenceId order-1, request b1f1b0c2-0000-4000-8000-000000000000`,
  );
  expect(userHash(USER)).toMatch(/^[0-9a-f]{16}$/);
});

it('sends as it would without a record when the record callback throws', async () => {
  const throwing = await sendingSetup({}, { onSend: () => { throw new Error('log sink down'); } });
  try {
    await expect(throwing.sender.send(weather(), throwing.target)).resolves.toMatchObject({ status: 'accepted' });
  } finally {
    await throwing.close();
  }
});
