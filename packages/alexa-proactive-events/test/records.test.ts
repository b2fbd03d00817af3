import { TokenClient, type SendRecord, type SendResult, type TokenRecord } from '../src';
import { batchedLines, formatSendRecord, formatSummaryRecord, recordLines, summaryRecord, userHash } from '../src/internal';
import { example } from './helpers/fixtures';
import { CLIENT_ID, CLIENT_SECRET, sendingSetup } from './helpers/sending';

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
    { ...common, audience: 'Multicast', status: 'accepted', httpStatus: 202, attempts: 1, answers: [202], amazonRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/), referenceId: 'schema-page-example-weather-alert' },
    { ...common, audience: 'Multicast', status: 'duplicate', httpStatus: 409, attempts: 1, answers: [409], amazonRequestId: expect.any(String), referenceId: 'schema-page-example-weather-alert' },
    { ...common, audience: 'Unicast', stage: 'live', status: 'accepted', httpStatus: 202, attempts: 1, answers: [202], amazonRequestId: expect.any(String), referenceId: 'schema-page-example-weather-alert', userHash: userHash(USER) },
    // Refused here: nothing went anywhere.
    { ...common, region: null, audience: 'Multicast', status: 'rejected', httpStatus: null, attempts: 0, answers: [], amazonRequestId: null, referenceId: 'schema-page-example-weather-alert' },
    { ...common, audience: 'Multicast', status: 'failed', httpStatus: 503, attempts: 6, answers: [503, 503, 503, 503, 503, 503], amazonRequestId: expect.any(String), referenceId: 'will-fail' },
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
    answers: [202],
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

it("writes a sender's referenceId into a text line escaped, on one line", async () => {
  await setup.sender.send({ ...weather(), referenceId: 'weekly\n[amazon] POST 202\u001b[2J' }, setup.target);
  const line = formatSendRecord(records[0], 'text');
  expect(line).toContain('referenceId weekly\\n[amazon] POST 202\\u001b[2J');
  expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  const result = await setup.sender.send({ ...weather(), referenceId: 'x\ny' }, setup.target);
  const summary = formatSummaryRecord(summaryRecord('trigger', 'WeatherAlertIntent', [result], 3), 'text');
  expect(summary).toMatch(/referenceId x\\ny$/);
});

it('sends as it would without a record when the record callback throws', async () => {
  const throwing = await sendingSetup({}, { onSend: () => { throw new Error('log sink down'); } });
  try {
    await expect(throwing.sender.send(weather(), throwing.target)).resolves.toMatchObject({ status: 'accepted' });
  } finally {
    await throwing.close();
  }
});

it('records each attempt\'s answer, so a throttled send that went through shows its 429', async () => {
  setup.emulator.setFaults({ script: [429] });
  await setup.sender.send(weather(), setup.target);
  expect(records).toEqual([expect.objectContaining({ status: 'accepted', httpStatus: 202, attempts: 2, answers: [429, 202] })]);
});

it('gives one record per token request, not per send, and says why a refused one was refused', async () => {
  const tokenRecords: TokenRecord[] = [];
  const onRequest = (record: TokenRecord) => void tokenRecords.push(record);
  const good = new TokenClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenUrl: `${setup.emulator.url}/auth/o2/token`, onRequest });
  await Promise.all([good.token(), good.token(), good.token()]);
  const wrong = new TokenClient({ clientId: CLIENT_ID, clientSecret: 'not-the-secret', tokenUrl: `${setup.emulator.url}/auth/o2/token`, onRequest });
  await expect(wrong.token()).rejects.toMatchObject({ code: 'ERR_INVALID_CLIENT' });
  expect(tokenRecords).toEqual([
    { ok: true, httpStatus: 200, latencyMs: expect.any(Number) },
    { ok: false, httpStatus: 401, code: 'ERR_INVALID_CLIENT', latencyMs: expect.any(Number) },
  ]);
  const throwing = new TokenClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenUrl: `${setup.emulator.url}/auth/o2/token`, onRequest: () => { throw new Error('log sink down'); } });
  await expect(throwing.token()).resolves.toEqual(expect.any(String));
});

const result = (status: SendResult['status']): SendResult => ({
  event: 'AMAZON.TrashCollectionAlert.Activated',
  referenceId: 'trash-day-2026-12-07',
  status,
  httpStatus: status === 'accepted' ? 202 : null,
  requestId: null,
  errors: [],
  warnings: [],
  attempts: status === 'accepted' ? 1 : 0,
  user: USER,
});

it('sums up a fan-out or a scheduled run in counts, never naming a user', () => {
  const summary = summaryRecord('schedule', 'trash-day', [result('accepted'), result('accepted'), result('skipped')], 812.4, '2026-12-07T06:00:00Z');
  expect(summary).toEqual({
    run: 'schedule',
    name: 'trash-day',
    event: 'AMAZON.TrashCollectionAlert.Activated',
    referenceId: 'trash-day-2026-12-07',
    sends: 3,
    statuses: { accepted: 2, skipped: 1 },
    latencyMs: 812,
    scheduledTime: '2026-12-07T06:00:00Z',
  });
  expect(formatSummaryRecord(summary, 'text')).toBe(
    'summary schedule trash-day (2026-12-07T06:00:00Z) AMAZON.TrashCollectionAlert.Activated 3 sends: 2 accepted, 1 skipped, 812 ms, referenceId trash-day-2026-12-07',
  );
  expect(JSON.parse(formatSummaryRecord(summary, 'json'))).toEqual({ message: 'summary', ...summary });
  expect(formatSummaryRecord(summaryRecord('trigger', 'TrashCollectionAlertIntent', [], 3), 'text')).toBe(
    'summary trigger TrashCollectionAlertIntent (no event) 0 sends: none, 3 ms, referenceId -',
  );
  expect(JSON.stringify(summary)).not.toContain(USER);
});

it('writes every kind of record as a line through recordLines', () => {
  const lines: string[] = [];
  const hooks = recordLines('json', (line) => void lines.push(line));
  hooks.onRequest({ ok: false, httpStatus: null, code: 'ERR_TOKEN_UNAVAILABLE', latencyMs: 10_000 });
  hooks.onSummary(summaryRecord('trigger', 'TrashCollectionAlertIntent', [result('accepted')], 40));
  expect(lines.map((line) => JSON.parse(line).message)).toEqual(['token', 'summary']);
  const text: string[] = [];
  const words = recordLines('text', (line) => void text.push(line));
  words.onRequest({ ok: true, httpStatus: 200, latencyMs: 41 });
  words.onRequest({ ok: false, httpStatus: 401, code: 'ERR_INVALID_CLIENT', latencyMs: 12 });
  expect(text).toEqual(['token 200, 41 ms', 'token refused ERR_INVALID_CLIENT 401, 12 ms']);
});

it('writes the record lines of one turn of the event loop in one write, in their order', async () => {
  const writes: string[] = [];
  const hooks = recordLines('text', batchedLines((text) => void writes.push(text)));
  hooks.onRequest({ ok: true, httpStatus: 200, latencyMs: 41 });
  hooks.onSummary(summaryRecord('trigger', 'TrashCollectionAlertIntent', [result('accepted')], 40));
  expect(writes).toEqual([]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes).toEqual([`token 200, 41 ms\n${formatSummaryRecord(summaryRecord('trigger', 'TrashCollectionAlertIntent', [result('accepted')], 40), 'text')}`]);
  hooks.onRequest({ ok: true, httpStatus: 200, latencyMs: 7 });
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes).toHaveLength(2);
  expect(writes[1]).toBe('token 200, 7 ms');
});
