import { ProactiveEventsSender, TokenClient, buildRequest } from 'alexa-proactive-events';
import { eventFromInputs, summaryRecord } from 'alexa-proactive-events/internal';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { METRICS_NAMESPACE, powertoolsTelemetry } from '../src/powertools';

const CLIENT_ID = 'amzn1.application-oa2-client.powertools';
const CLIENT_SECRET = 'a-client-secret-for-the-powertools-test';
const USER = 'amzn1.ask.account.POWERTOOLS';
const context = {
  functionName: 'proactive-alerts',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:proactive-alerts',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
};

interface EmfBlob {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

let emulator: Emulator;
let written: string[];
beforeEach(async () => {
  emulator = await createEmulator({ port: 0, clients: { [CLIENT_ID]: CLIENT_SECRET }, subscribers: { [USER]: ['AMAZON.WeatherAlert.Activated'] } });
  written = [];
  // As Lambda sets it for an on-demand container: Powertools tells cold starts only then.
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  // Powertools writes to stdout itself, past jest's console.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(async () => {
  delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  jest.restoreAllMocks();
  await emulator.close();
});

/** A sender on the emulator with the telemetry's hooks; pauses between retries are not waited. */
function sending(telemetry: ReturnType<typeof powertoolsTelemetry>) {
  const tokens = new TokenClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenUrl: `${emulator.url}/auth/o2/token`, onRequest: telemetry.onRequest });
  const sender = new ProactiveEventsSender({ tokens, allowedOrigins: [emulator.url], sleep: async () => {}, onSend: telemetry.onSend });
  return { sender, tokens, target: { apiEndpoint: emulator.url } };
}

const weather = (referenceId: string, user?: string) => buildRequest({ ...eventFromInputs('AMAZON.WeatherAlert.Activated', { 'alert-type': 'TORNADO' }), referenceId, user });
const lines = () => written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

it('writes CloudWatch metrics in the embedded metric format: sends by stage and status, retries, 429s, 432s, token requests, latency', async () => {
  const telemetry = powertoolsTelemetry({ serviceName: 'proactive-alerts' });
  const { sender, target } = sending(telemetry);
  telemetry.start(context);
  emulator.setFaults({ script: [429, 202, 432] });
  await sender.send(weather('throttled-once'), target);
  await sender.send(weather('over-the-limit'), target);
  await sender.send(weather('fine'), target);
  telemetry.flush();

  const blobs = lines().filter((line): line is EmfBlob => '_aws' in line);
  const metric = (names: string[], units: string) => names.map((Name) => ({ Name, Unit: units }));
  expect(blobs.map(({ _aws }) => _aws.CloudWatchMetrics)).toEqual([
    [{ Namespace: METRICS_NAMESPACE, Dimensions: [['service']], Metrics: metric(['TokenRequests', 'TokenFailures'], 'Count') }],
    ...['accepted', 'rejected'].map(() => [
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [['service', 'stage', 'status']],
        Metrics: [{ Name: 'Sends', Unit: 'Count' }, { Name: 'SendLatency', Unit: 'Milliseconds' }, ...metric(['SendRetries', 'Throttles', 'NotificationLimitRefusals'], 'Count')],
      },
    ]),
  ]);
  const [tokens, accepted, refused] = blobs;
  expect(tokens).toMatchObject({ service: 'proactive-alerts', TokenRequests: 1, TokenFailures: 0 });
  // Two sends accepted, one of them after a 429 (values of one set are listed per send); one refused with 432.
  expect(accepted).toMatchObject({ service: 'proactive-alerts', stage: 'development', status: 'accepted', Sends: [1, 1], SendRetries: [1, 0], Throttles: [1, 0], NotificationLimitRefusals: [0, 0] });
  expect(refused).toMatchObject({ stage: 'development', status: 'rejected', Sends: 1, SendRetries: 0, Throttles: 0, NotificationLimitRefusals: 1 });
  // Nothing per send or per user beside the metrics: no metadata, no property of a record.
  const sendKeys = ['_aws', 'service', 'stage', 'status', 'Sends', 'SendLatency', 'SendRetries', 'Throttles', 'NotificationLimitRefusals'];
  expect(blobs.map((blob) => Object.keys(blob).sort())).toEqual([['TokenFailures', 'TokenRequests', '_aws', 'service'].sort(), [...sendKeys].sort(), [...sendKeys].sort()]);
  // A flush with nothing new writes nothing (Powertools would warn of an empty set).
  written.length = 0;
  telemetry.flush();
  expect(written).toEqual([]);
});

it('logs each record as one JSON line of Powertools\' Logger, with Lambda\'s context and never a secret, a token or a user id', async () => {
  const telemetry = powertoolsTelemetry({ serviceName: 'proactive-alerts' });
  const { sender, tokens, target } = sending(telemetry);
  telemetry.start(context);
  const result = await sender.send(weather('to-one-user', USER), target);
  telemetry.onSummary(summaryRecord('trigger', 'WeatherAlertIntent', [result], 12));
  telemetry.flush();

  const records = lines().filter((line) => !('_aws' in line));
  expect(records.map(({ message }) => message)).toEqual(['token', 'send', 'summary']);
  for (const record of records) expect(record).toMatchObject({ level: 'INFO', service: 'proactive-alerts', function_request_id: context.awsRequestId, cold_start: true });
  expect(records[0]).toMatchObject({ ok: true, httpStatus: 200 });
  expect(records[1]).toMatchObject({ event: 'AMAZON.WeatherAlert.Activated', audience: 'Unicast', status: 'accepted', httpStatus: 202, answers: [202], userHash: expect.stringMatching(/^[0-9a-f]{16}$/) });
  expect(records[2]).toMatchObject({ run: 'trigger', name: 'WeatherAlertIntent', sends: 1, statuses: { accepted: 1 } });
  const output = written.join('');
  for (const secret of [CLIENT_SECRET, await tokens.token(), USER]) expect(output).not.toContain(secret);
});

it('writes the records as words with log text, none with off, and the metrics either way', async () => {
  for (const log of ['text', 'off'] as const) {
    written.length = 0;
    const logged: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
    const telemetry = powertoolsTelemetry({ serviceName: 'proactive-alerts', log });
    const { sender, target } = sending(telemetry);
    await sender.send(weather(`as-${log}`), target);
    telemetry.flush();
    expect(logged).toEqual(log === 'text' ? [expect.stringMatching(/^token 200, \d+ ms$/), expect.stringMatching(/^send accepted AMAZON\.WeatherAlert\.Activated Multicast other development, 202/)] : []);
    expect(lines().map((line) => Object.keys(line).includes('_aws'))).toEqual([true, true]);
  }
});

it("loads Powertools at the first record, and marks a record of a later invocation as no cold start", async () => {
  const telemetry = powertoolsTelemetry({ serviceName: 'proactive-alerts' });
  const { sender, target } = sending(telemetry);
  telemetry.start({ ...context, awsRequestId: 'first' });
  telemetry.flush();
  expect(written).toEqual([]);
  telemetry.start({ ...context, awsRequestId: 'second' });
  await sender.send(weather('warm'), target);
  telemetry.flush();
  const records = lines().filter((line) => !('_aws' in line));
  expect(records.map(({ message, function_request_id, cold_start }) => [message, function_request_id, cold_start])).toEqual([
    ['token', 'second', false],
    ['send', 'second', false],
  ]);
});
