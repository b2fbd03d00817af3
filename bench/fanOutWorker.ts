import { SQSClient } from '@aws-sdk/client-sqs';
import type { SummaryRecord } from 'alexa-proactive-events';
import { createLambdaHandler, doorOptions, type Schedule } from 'jovo-plugin-proactive-events';
import { startEventSourceMapping } from '../test/standins/eventSourceMapping';
import { loadSettings } from '../src/settings';
import { createApp } from '../src/skill/app';

/**
 * One fan-out run as it goes on AWS, in this process: the skill's Lambda handler (the template's app, on DynamoDB,
 * with FANOUT_QUEUE_URL from the environment) is invoked as EventBridge Scheduler invokes it, for the schedule in
 * BENCH_SCHEDULE at BENCH_SCHEDULED_TIME, which queues the due zone's subscribers in batches; then Lambda's event
 * source mapping (the stand-in) drives the same handler with the queued batches until the queue is empty. Prints
 * one JSON line: the run's and the batches' counts summed, the times, and this process's peak memory.
 */
async function main(): Promise<void> {
  const schedule = JSON.parse(process.env.BENCH_SCHEDULE!) as Schedule;
  const scheduledTime = process.env.BENCH_SCHEDULED_TIME!;
  const settings = loadSettings(undefined, { signatures: false });
  settings.app = { ...settings.app, schedules: [schedule] };
  const totals = { batches: 0, usersDue: 0, enqueued: 0, throttled: 0, deadLettered: 0, statuses: {} as Record<string, number> };
  let run: SummaryRecord | undefined;
  const onSummary = (record: SummaryRecord) => {
    if (record.run === 'schedule') return void (run = record);
    totals.batches++;
    for (const [status, n] of Object.entries(record.statuses)) totals.statuses[status] = (totals.statuses[status] ?? 0) + (n ?? 0);
    totals.throttled += record.fanOut?.throttled ?? 0;
    totals.deadLettered += record.fanOut?.deadLettered ?? 0;
  };
  const records = { onSend: () => undefined, onRequest: () => undefined, onSummary };
  const handler = createLambdaHandler({ app: () => createApp(settings, { records }), gate: doorOptions(settings) });
  const lambdaContext = (ms: number) => ({ awsRequestId: 'bench', functionName: 'skill', getRemainingTimeInMillis: () => ms });

  const startedAt = performance.now();
  await handler({ proactiveEventsSchedule: { name: schedule.name, scheduledTime } }, lambdaContext(900_000));
  const queuedMs = performance.now() - startedAt;
  const mapping = await startEventSourceMapping({
    client: new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS, region: process.env.AWS_REGION }),
    queueUrl: settings.fanOut.queueUrl!,
    handler: handler as never,
    maximumConcurrency: Number(process.env.BENCH_MAXIMUM_CONCURRENCY ?? 5),
    timeoutMs: 900_000,
    waitTimeSeconds: 1,
  });
  await mapping.drained();
  await mapping.stop();
  const ms = performance.now() - startedAt;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ run: run?.fanOut, queuedMs, ms, totals, mapping: mapping.counts(), peakMb })}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
