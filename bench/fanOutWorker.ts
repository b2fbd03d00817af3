import { SQSClient } from '@aws-sdk/client-sqs';
import { startEventSourceMapping } from '../test/standins/eventSourceMapping';

/**
 * One fan-out run as it goes on AWS, in this process: the Lambda bundle's handler (argv[2], with app.json beside
 * it naming the schedule; DynamoDB and FANOUT_QUEUE_URL from the environment) is invoked as EventBridge Scheduler
 * invokes it, for BENCH_SCHEDULE_NAME at BENCH_SCHEDULED_TIME, which queues the due zone's subscribers in batches;
 * then Lambda's event source mapping (the stand-in) drives the same handler with the queued batches until the queue
 * is empty. Prints one JSON line: the times, the mapping's counts, and this process's peak memory.
 */
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

async function main(): Promise<void> {
  const { handler } = require(process.argv[2]) as { handler: Handler };
  const context = { awsRequestId: 'bench', functionName: 'skill', getRemainingTimeInMillis: () => 900_000 };
  // The largest of each part of the process's memory, sampled as the run goes (the process's maxRSS also counts
  // the full collection forced at the end).
  const peaks: Record<string, number> = {};
  const sample = () => {
    for (const [part, bytes] of Object.entries(process.memoryUsage())) peaks[part] = Math.max(peaks[part] ?? 0, bytes / 2 ** 20);
  };
  const sampling = setInterval(sample, 250);
  const startedAt = performance.now();
  await handler({ proactiveEventsSchedule: { name: process.env.BENCH_SCHEDULE_NAME, scheduledTime: process.env.BENCH_SCHEDULED_TIME } }, context);
  const queuedMs = performance.now() - startedAt;
  const mapping = await startEventSourceMapping({
    client: new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS, region: process.env.AWS_REGION }),
    queueUrl: process.env.FANOUT_QUEUE_URL!,
    handler: handler as never,
    batchSize: 1,
    maximumConcurrency: Number(process.env.BENCH_MAXIMUM_CONCURRENCY ?? 5),
    timeoutMs: 900_000,
    waitTimeSeconds: 1,
  });
  await mapping.drained();
  await mapping.stop();
  const ms = performance.now() - startedAt;
  clearInterval(sampling);
  // What the run left behind: the heap after a full collection (the peak also holds garbage not yet collected).
  require('v8').setFlagsFromString('--expose-gc');
  (require('vm').runInNewContext('gc') as () => void)();
  const retainedMb = process.memoryUsage().heapUsed / 2 ** 20;
  process.stdout.write(`${JSON.stringify({ queuedMs, ms, mapping: mapping.counts(), peakMb: process.resourceUsage().maxRSS / 1024, retainedMb, peaks })}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
