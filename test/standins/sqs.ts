import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { MAX_BATCH_BYTES, NUMERIC_ATTRIBUTES, Queues, SqsFault, checkMessageAttributeNames, type Queue, type QueueDepth, type QueueStats } from './sqsQueues';

/**
 * A stand-in for Amazon SQS that speaks its current JSON protocol, as `@aws-sdk/client-sqs` v3 does (no npm package
 * does: sqslite speaks only the old query protocol, which the SDK no longer sends): `POST /` (or to a queue's URL)
 * with `Content-Type: application/x-amz-json-1.0` and `X-Amz-Target: AmazonSQS.<Action>`, errors as HTTP 4xx with
 * `{"__type":"com.amazonaws.sqs#<Code>","message":…}` and the `x-amzn-query-error` header the SDK maps to its
 * typed errors. Standard queues only, in memory, on loopback. The queues themselves are in sqsQueues.ts.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html
 */

/** Where and how the stand-in runs. */
export interface SqsStandInOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** The region of queue ARNs and of `client()`. @default 'us-east-1' */
  region?: string;
  /** The account of queue URLs and ARNs. @default '000000000000' */
  accountId?: string;
  /**
   * Real milliseconds in one SQS second, for visibility timeouts, long polls, delays, retention and the purge
   * interval: tests run a 30 s visibility timeout in 30 × `secondMs`. Timestamps stay real.
   * @default 1000
   */
  secondMs?: number;
}

/** A running stand-in. */
export interface SqsStandIn {
  /** `http://127.0.0.1:<port>`: the SDK's `endpoint` (or AWS_ENDPOINT_URL_SQS). */
  endpoint: string;
  region: string;
  queueUrl(name: string): string;
  queueArn(name: string): string;
  /** An SQS client of the real SDK for this stand-in (local credentials). */
  client(): SQSClient;
  /** How many messages the queue holds, visible, in flight and delayed. */
  depth(name: string): QueueDepth;
  /** What the queue has seen: sent, received (deliveries), deleted, dead-lettered, purged. */
  stats(name: string): QueueStats;
  /** Receives of the queue waiting for a message now (long polls). */
  longPolls(name: string): number;
  /** Ends every long poll (answering no messages) and stops the server. */
  close(): Promise<void>;
}

/** What an action gets besides its input: who sent it (SenderId), and a signal that fires when the client leaves. */
interface Call {
  senderId: string;
  signal: AbortSignal;
}

type Input = Record<string, unknown>;
type Action = (queues: Queues, input: Input, call: Call) => object | Promise<object>;

/** Starts a stand-in on 127.0.0.1. */
export async function createSqsStandIn({ port = 0, region = 'us-east-1', accountId = '000000000000', secondMs = 1000 }: SqsStandInOptions = {}): Promise<SqsStandIn> {
  let queues: Queues | undefined;
  const server = http.createServer((request, response) => void answer(queues!, request, response));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  queues = new Queues(endpoint, region, accountId, { now: Date.now, secondMs });
  const known = queues;
  return {
    endpoint,
    region,
    queueUrl: (name) => known.url(name),
    queueArn: (name) => known.arn(name),
    client: () => new SQSClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    depth: (name) => known.named(name).depth(),
    stats: (name) => ({ ...known.named(name).stats }),
    longPolls: (name) => known.named(name).longPolls,
    close: async () => {
      known.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The actions this stand-in answers, by their X-Amz-Target name. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html */
const ACTIONS: Record<string, Action> = {
  CreateQueue: (queues, input) => ({ QueueUrl: queues.create(requiredString(input, 'QueueName'), record(input, 'Attributes')).url }),
  GetQueueUrl: (queues, input) => {
    const owner = input.QueueOwnerAWSAccountId;
    if (owner !== undefined && owner !== queues.accountId) throw new SqsFault('QueueDoesNotExist', `The specified queue does not exist for account ${String(owner)}`);
    return { QueueUrl: queues.named(requiredString(input, 'QueueName')).url };
  },
  GetQueueAttributes: (queues, input) => ({ Attributes: queueOf(queues, input).attributes(strings(input, 'AttributeNames')) }),
  SendMessage: (queues, input, call) => {
    const queue = queueOf(queues, input);
    refuseMessageAttributes(input, 'SendMessage');
    const body = checkedBody(queue, input.MessageBody, 'MessageBody');
    return queue.send(body, call.senderId, optionalInteger(input, 'DelaySeconds', NUMERIC_ATTRIBUTES.DelaySeconds));
  },
  SendMessageBatch: (queues, input, call) => {
    const queue = queueOf(queues, input);
    const entries = batchEntries(input);
    const bytes = entries.reduce((sum, entry) => sum + (typeof entry.MessageBody === 'string' ? Buffer.byteLength(entry.MessageBody) : 0), 0);
    if (bytes > MAX_BATCH_BYTES) throw new SqsFault('BatchRequestTooLong', `The batch's bodies are ${bytes} bytes together; allowed are at most ${MAX_BATCH_BYTES}`);
    return eachEntry(entries, (entry, id) => {
      refuseMessageAttributes(entry, `Entries[${id}]`);
      const body = checkedBody(queue, entry.MessageBody, `Entries[${id}].MessageBody`);
      return { Id: id, ...queue.send(body, call.senderId, optionalInteger(entry, 'DelaySeconds', NUMERIC_ATTRIBUTES.DelaySeconds)) };
    });
  },
  ReceiveMessage: async (queues, input, call) => {
    const queue = queueOf(queues, input);
    const attributeNames = [...strings(input, 'MessageSystemAttributeNames'), ...strings(input, 'AttributeNames')];
    checkMessageAttributeNames(attributeNames, 'MessageSystemAttributeNames');
    const Messages = await queue.receive({
      max: optionalInteger(input, 'MaxNumberOfMessages', { min: 1, max: 10 }) ?? 1,
      visibilityTimeout: optionalInteger(input, 'VisibilityTimeout', NUMERIC_ATTRIBUTES.VisibilityTimeout),
      waitSeconds: optionalInteger(input, 'WaitTimeSeconds', NUMERIC_ATTRIBUTES.ReceiveMessageWaitTimeSeconds),
      attributeNames,
      signal: call.signal,
    });
    return Messages.length > 0 ? { Messages } : {};
  },
  DeleteMessage: (queues, input) => {
    queueOf(queues, input).delete(requiredString(input, 'ReceiptHandle'));
    return {};
  },
  DeleteMessageBatch: (queues, input) => {
    const queue = queueOf(queues, input);
    return eachEntry(batchEntries(input), (entry, id) => {
      queue.delete(requiredString(entry, 'ReceiptHandle', `Entries[${id}].`));
      return { Id: id };
    });
  },
  ChangeMessageVisibility: (queues, input) => {
    queueOf(queues, input).changeVisibility(requiredString(input, 'ReceiptHandle'), visibilityTimeout(input, 'VisibilityTimeout'));
    return {};
  },
  ChangeMessageVisibilityBatch: (queues, input) => {
    const queue = queueOf(queues, input);
    return eachEntry(batchEntries(input), (entry, id) => {
      queue.changeVisibility(requiredString(entry, 'ReceiptHandle', `Entries[${id}].`), visibilityTimeout(entry, `Entries[${id}].VisibilityTimeout`, 'VisibilityTimeout'));
      return { Id: id };
    });
  },
  PurgeQueue: (queues, input) => {
    queueOf(queues, input).purge();
    return {};
  },
};

/** Answers one request: the action's output as JSON, or its error as SQS words it. */
async function answer(queues: Queues, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const left = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) left.abort();
  });
  try {
    const { action, input } = await readCall(request);
    const output = await action(queues, input, { senderId: senderId(request), signal: left.signal });
    reply(response, 200, requestId, output);
  } catch (error) {
    if (error instanceof SqsFault) {
      reply(response, error.status, requestId, { __type: `com.amazonaws.sqs#${error.code}`, message: error.message }, `${error.queryCode};Sender`);
    } else if (error instanceof ProtocolFault) {
      reply(response, 400, requestId, { __type: error.type, message: error.message });
    } else {
      reply(response, 500, requestId, { __type: 'com.amazonaws.sqs#InternalError', message: (error as Error).message }, 'InternalError;Receiver');
    }
  }
}

/** A request this stand-in cannot read as an SQS JSON call: the type names the service framework's error, as AWS's do. */
class ProtocolFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const JSON_PROTOCOL = 'application/x-amz-json-1.0';

/** The action an `X-Amz-Target: AmazonSQS.<Action>` names, and its JSON input. */
async function readCall(request: http.IncomingMessage): Promise<{ action: Action; input: Input }> {
  const body = await readBody(request);
  if (request.method !== 'POST') throw new ProtocolFault('com.amazon.coral.service#UnknownOperationException', `Method ${request.method}: SQS's JSON protocol takes POST only`);
  const contentType = request.headers['content-type']?.split(';')[0].trim();
  if (contentType !== JSON_PROTOCOL) {
    throw new ProtocolFault(
      'com.amazon.coral.service#SerializationException',
      `Content-Type ${JSON.stringify(contentType ?? '')}: this stand-in speaks SQS's JSON protocol only (${JSON_PROTOCOL}), not the query protocol`,
    );
  }
  const target = String(request.headers['x-amz-target'] ?? '');
  const name = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : undefined;
  const action = name === undefined ? undefined : Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!action) {
    throw new ProtocolFault(
      'com.amazon.coral.service#UnknownOperationException',
      `X-Amz-Target ${JSON.stringify(target)}: unknown action ${JSON.stringify(name ?? target)}; this stand-in answers AmazonSQS.${Object.keys(ACTIONS).join(', AmazonSQS.')}`,
    );
  }
  let input: unknown;
  try {
    input = JSON.parse(body === '' ? '{}' : body);
  } catch {
    throw new ProtocolFault('com.amazon.coral.service#SerializationException', `The body of ${name} is not JSON`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ProtocolFault('com.amazon.coral.service#SerializationException', `The body of ${name} is not a JSON object`);
  return { action, input: input as Input };
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function reply(response: http.ServerResponse, status: number, requestId: string, body: object, queryError?: string): void {
  if (response.destroyed) return;
  response.writeHead(status, {
    'content-type': JSON_PROTOCOL,
    'x-amzn-requestid': requestId,
    ...(queryError && { 'x-amzn-query-error': queryError }),
  });
  response.end(JSON.stringify(body));
}

/** The access key of the request's signature: SQS's SenderId names the caller. */
function senderId(request: http.IncomingMessage): string {
  return /Credential=([^/,\s]+)/.exec(request.headers.authorization ?? '')?.[1] ?? 'anonymous';
}

function queueOf(queues: Queues, input: Input): Queue {
  return queues.at(requiredString(input, 'QueueUrl'));
}

function requiredString(input: Input, field: string, prefix = ''): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') throw new SqsFault('MissingParameter', `The request must contain the parameter ${prefix}${field} (a non-empty string)`);
  return value;
}

function optionalInteger(input: Input, field: string, { min, max }: { min: number; max: number }, name = field): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SqsFault('InvalidParameterValue', `${name} ${JSON.stringify(value)}: allowed is a whole number from ${min} to ${max}`);
  }
  return value;
}

function visibilityTimeout(input: Input, name: string, field = name): number {
  const value = optionalInteger(input, field, NUMERIC_ATTRIBUTES.VisibilityTimeout, name);
  if (value === undefined) throw new SqsFault('MissingParameter', `The request must contain the parameter ${name}`);
  return value;
}

function strings(input: Input, field: string): string[] {
  const value = input[field] ?? [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new SqsFault('InvalidParameterValue', `${field} ${JSON.stringify(value)}: expected a list of strings`);
  return value;
}

function record(input: Input, field: string): Record<string, unknown> {
  const value = input[field] ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SqsFault('InvalidParameterValue', `${field} ${JSON.stringify(value)}: expected a map of names to strings`);
  return value as Record<string, unknown>;
}

/** Message attributes would be dropped here without a word: refused, so that code relying on them finds out. */
function refuseMessageAttributes(input: Input, where: string): void {
  for (const field of ['MessageAttributes', 'MessageSystemAttributes']) {
    if (input[field] !== undefined) throw new SqsFault('UnsupportedOperation', `${where}.${field}: this stand-in keeps no message attributes; allowed: none (put what the consumer needs in the body)`);
  }
}

/** Characters SQS accepts in a body (XML 1.0's): https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html */
const BODY_CHARACTERS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u;

function checkedBody(queue: Queue, body: unknown, field: string): string {
  if (typeof body !== 'string' || body === '') throw new SqsFault('MissingParameter', `The request must contain the parameter ${field} (a non-empty string)`);
  const bytes = Buffer.byteLength(body);
  if (bytes > queue.settings.MaximumMessageSize) {
    throw new SqsFault('InvalidParameterValue', `${field} is ${bytes} bytes; ${queue.name} takes at most ${queue.settings.MaximumMessageSize} (MaximumMessageSize)`);
  }
  if (!BODY_CHARACTERS.test(body)) throw new SqsFault('InvalidMessageContents', `${field} holds characters SQS does not allow: #x9, #xA, #xD, #x20 to #xD7FF, #xE000 to #xFFFD, #x10000 to #x10FFFF only`);
  return body;
}

/** A batch's Entries: 1 to 10, each with a distinct Id of 1 to 80 of A-Z a-z 0-9 _ -. */
function batchEntries(input: Input): Input[] {
  const entries = input.Entries ?? [];
  if (!Array.isArray(entries) || entries.some((entry) => typeof entry !== 'object' || entry === null)) throw new SqsFault('InvalidParameterValue', 'Entries: expected a list of objects');
  if (entries.length === 0) throw new SqsFault('EmptyBatchRequest', 'There should be at least one entry in Entries');
  if (entries.length > 10) throw new SqsFault('TooManyEntriesInBatchRequest', `Entries has ${entries.length} entries; allowed are at most 10`);
  const ids = entries.map((entry: Input) => entry.Id);
  const badId = ids.find((id) => typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id));
  if (badId !== undefined) throw new SqsFault('InvalidBatchEntryId', `Entries: Id ${JSON.stringify(badId)}; allowed are 1 to 80 of A-Z a-z 0-9 _ -`);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw new SqsFault('BatchEntryIdsNotDistinct', `Entries: Id ${JSON.stringify(repeated)} appears more than once`);
  return entries as Input[];
}

/** A batch's answer: each entry done or, with SQS's code and words, failed; a failed entry does not fail the call. */
function eachEntry(entries: Input[], act: (entry: Input, id: string) => object): { Successful: object[]; Failed: object[] } {
  const Successful: object[] = [];
  const Failed: object[] = [];
  for (const entry of entries) {
    const id = entry.Id as string;
    try {
      Successful.push(act(entry, id));
    } catch (error) {
      if (!(error instanceof SqsFault)) throw error;
      Failed.push({ Id: id, SenderFault: true, Code: error.code, Message: error.message });
    }
  }
  return { Successful, Failed };
}
