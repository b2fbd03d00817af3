import type { SQSClient } from '@aws-sdk/client-sqs';
import { ProactiveEventsError } from 'alexa-proactive-events';
import type { PluginErrorCode } from '../errors';
import type { FanOutBatch } from './batch';

/** SQS takes at most 10 messages a call, and 256 KiB in all (SendMessageBatch). */
const MESSAGES_PER_CALL = 10;
const BYTES_PER_CALL = 256 * 1024;
/** SQS delays a message at most 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/**
 * The fan-out queue (FANOUT_QUEUE_URL): batches of users go in, SendMessageBatch ten at a time, and the same
 * function, invoked by SQS, sends them. The SDK reaches the queue at its URL (or AWS_ENDPOINT_URL_SQS); it is loaded
 * at the first batch, not at a cold start that never fans out.
 */
export class FanOutQueue {
  #client?: SQSClient;
  #maxReceiveCount?: Promise<number | undefined>;

  constructor(
    readonly url: string,
    client?: SQSClient,
  ) {
    this.#client = client;
  }

  /** Puts `batches` on the queue (delayed by `delaySeconds`); throws, naming how many did not go, when SQS keeps refusing some. */
  async enqueue(batches: readonly FanOutBatch[], delaySeconds = 0): Promise<void> {
    const { SendMessageBatchCommand } = sqs();
    for (const call of calls(batches.map((batch) => JSON.stringify(batch)))) {
      let entries = call.map((body, i) => ({ Id: String(i), MessageBody: body, ...(delaySeconds > 0 && { DelaySeconds: Math.min(delaySeconds, MAX_DELAY_SECONDS) }) }));
      // A partial failure is an answer, not an exception: the failed entries get one more try, then the run fails.
      for (let attempt = 1; entries.length > 0; attempt++) {
        const { Failed = [] } = await this.client().send(new SendMessageBatchCommand({ QueueUrl: this.url, Entries: entries }));
        if (Failed.length === 0) break;
        if (attempt === 2) {
          const reasons = [...new Set(Failed.map((failure) => `${failure.Code}: ${failure.Message ?? ''}`))].join('; ');
          throw new ProactiveEventsError<PluginErrorCode>('ERR_FANOUT_QUEUE', `SQS refused ${Failed.length} of the run's batches twice (${reasons}); they were not queued`);
        }
        const failed = new Set(Failed.map((failure) => failure.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
  }

  /** How many receives the queue's redrive policy allows before a message goes to its dead-letter queue, if it has one. */
  maxReceiveCount(): Promise<number | undefined> {
    this.#maxReceiveCount ??= (async () => {
      const { GetQueueAttributesCommand } = sqs();
      const { Attributes = {} } = await this.client().send(new GetQueueAttributesCommand({ QueueUrl: this.url, AttributeNames: ['RedrivePolicy'] }));
      const policy = Attributes.RedrivePolicy ? (JSON.parse(Attributes.RedrivePolicy) as { maxReceiveCount?: number | string }) : undefined;
      return policy?.maxReceiveCount === undefined ? undefined : Number(policy.maxReceiveCount);
    })().catch(() => (this.#maxReceiveCount = undefined));
    return this.#maxReceiveCount;
  }

  /**
   * Batches waiting on the queue, and in its dead-letter queue (found through the queue's redrive policy; null
   * without one): SQS's approximate counts.
   */
  async depth(): Promise<{ waiting: number; deadLettered: number | null }> {
    const { GetQueueAttributesCommand } = sqs();
    const attributes = async (url: string, names: Array<'ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesNotVisible' | 'ApproximateNumberOfMessagesDelayed' | 'RedrivePolicy'>) =>
      (await this.client().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }))).Attributes ?? {};
    const count = (values: Record<string, string>) => Number(values.ApproximateNumberOfMessages ?? 0) + Number(values.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(values.ApproximateNumberOfMessagesDelayed ?? 0);
    const queue = await attributes(this.url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed', 'RedrivePolicy']);
    const target = queue.RedrivePolicy ? (JSON.parse(queue.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn : undefined;
    // arn:aws:sqs:<region>:<account>:<name>, whose URL is the queue's with that account and name (same host).
    const [, , , , account, name] = target?.split(':') ?? [];
    if (!name) return { waiting: count(queue), deadLettered: null };
    const deadLetterUrl = `${new URL(this.url).origin}/${account}/${name}`;
    return { waiting: count(queue), deadLettered: count(await attributes(deadLetterUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'])) };
  }

  /** The SDK's client: at AWS's endpoint for the queue's region, or at the queue's own host (a local stand-in). */
  client(): SQSClient {
    const region = process.env.AWS_REGION ?? regionOfQueue(this.url) ?? 'us-east-1';
    const local = !regionOfQueue(this.url) && !process.env.AWS_ENDPOINT_URL_SQS;
    return (this.#client ??= new (sqs().SQSClient)({ region, ...(local && { endpoint: new URL(this.url).origin }) }));
  }
}

/** `https://sqs.eu-west-1.amazonaws.com/123/queue` → `eu-west-1`. */
function regionOfQueue(url: string): string | undefined {
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\//.exec(url)?.[1];
}

/** Message bodies grouped into SendMessageBatch calls: at most ten, and within SQS's size for one call. */
function calls(bodies: readonly string[]): string[][] {
  const grouped: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    if (size > BYTES_PER_CALL) throw new ProactiveEventsError<PluginErrorCode>('ERR_FANOUT_QUEUE', `a batch is ${size} bytes, more than SQS takes in one message (${BYTES_PER_CALL}): lower FANOUT_BATCH_SIZE`);
    if (current.length === MESSAGES_PER_CALL || bytes + size > BYTES_PER_CALL) {
      grouped.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length > 0) grouped.push(current);
  return grouped;
}

/** The SQS client module, loaded at first use. */
function sqs(): typeof import('@aws-sdk/client-sqs') {
  return require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs');
}
