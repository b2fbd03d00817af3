import { createHash, randomBytes, randomUUID } from 'crypto';

/**
 * The queues of the SQS stand-in (test/standins/sqs.ts), as SQS keeps standard queues: messages in the order they
 * were sent, each invisible for the visibility timeout after a receive, received again (with a new receipt handle
 * and a higher receive count) when it was not deleted in time, and moved to the dead-letter queue at the receive
 * after its receive count exceeded `maxReceiveCount`. A message's body is kept only while it is in a queue.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 */

/** An error SQS answers: its JSON `__type` (com.amazonaws.sqs#code), its query-compatible code and HTTP status. */
export class SqsFault extends Error {
  override readonly name = 'SqsFault';
  readonly queryCode: string;
  readonly status: number;

  constructor(
    readonly code: FaultCode,
    message: string,
  ) {
    super(message);
    [this.queryCode, this.status] = FAULTS[code];
  }
}

/**
 * SQS's errors by their JSON name, with the code and status `@aws-sdk/client-sqs` finds them by (its
 * `awsQueryError` traits): the SDK throws its typed error (`QueueDoesNotExist`, …) for these.
 */
const FAULTS = {
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  PurgeQueueInProgress: ['AWS.SimpleQueueService.PurgeQueueInProgress', 403],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
  InvalidAttributeName: ['InvalidAttributeName', 400],
  InvalidAttributeValue: ['InvalidAttributeValue', 400],
  InvalidMessageContents: ['InvalidMessageContents', 400],
  InvalidParameterValue: ['InvalidParameterValue', 400],
  MissingParameter: ['MissingParameter', 400],
} as const satisfies Record<string, readonly [string, number]>;

export type FaultCode = keyof typeof FAULTS;

/** A queue's attributes, as CreateQueue takes them (in seconds and bytes), with SQS's defaults and limits. */
export interface QueueSettings {
  VisibilityTimeout: number;
  MessageRetentionPeriod: number;
  MaximumMessageSize: number;
  ReceiveMessageWaitTimeSeconds: number;
  DelaySeconds: number;
  RedrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

/** Each numeric attribute's default and the range SQS allows. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html */
export const NUMERIC_ATTRIBUTES = {
  VisibilityTimeout: { default: 30, min: 0, max: 43_200 },
  MessageRetentionPeriod: { default: 345_600, min: 60, max: 1_209_600 },
  // 256 KiB: what a body may be on every SQS queue, old or new, so code tested here fits them all.
  MaximumMessageSize: { default: 262_144, min: 1_024, max: 1_048_576 },
  ReceiveMessageWaitTimeSeconds: { default: 0, min: 0, max: 20 },
  DelaySeconds: { default: 0, min: 0, max: 900 },
} as const;

/** The sum of a batch's bodies may not exceed this. */
export const MAX_BATCH_BYTES = 262_144;

/** The system attributes a received message can carry, on a standard queue. */
const MESSAGE_ATTRIBUTES = ['ApproximateReceiveCount', 'SentTimestamp', 'ApproximateFirstReceiveTimestamp', 'SenderId', 'DeadLetterQueueSourceArn'] as const;
/** Names ReceiveMessage takes that mean nothing on a standard queue (FIFO and tracing): asked for, never there. */
const NOT_ON_STANDARD_QUEUES = ['SequenceNumber', 'MessageDeduplicationId', 'MessageGroupId', 'AWSTraceHeader'];

/** One message while it is in a queue. */
interface Message {
  id: string;
  body: string;
  md5: string;
  senderId: string;
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  /** Until then nobody receives it: delayed (never received) or in flight (received). */
  visibleAt: number;
  /** The handle of its latest receive: only that one deletes it. */
  receipt?: string;
  /** The queue it was moved from, in a dead-letter queue. */
  deadLetterSourceArn?: string;
}

/** A message as ReceiveMessage answers it. */
export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
}

/** How many messages a queue holds, as GetQueueAttributes' Approximate… counts them. */
export interface QueueDepth {
  /** ApproximateNumberOfMessages: receivable now. */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received, neither deleted nor visible again yet. */
  inFlight: number;
  /** ApproximateNumberOfMessagesDelayed: sent with a delay that has not passed. */
  delayed: number;
}

/** What happened in a queue since it was created. */
export interface QueueStats {
  sent: number;
  /** Deliveries: a message received three times counts three. */
  received: number;
  deleted: number;
  /** Moved to the dead-letter queue. */
  deadLettered: number;
  purged: number;
}

/** How the queues tell time: `secondMs` real milliseconds make one SQS second (timeouts, waits, delays). */
export interface QueueClock {
  now(): number;
  secondMs: number;
}

/** A receive: up to `max` messages, invisible for `visibilityTimeout` s, waiting up to `waitSeconds` s for one. */
export interface ReceiveRequest {
  max: number;
  visibilityTimeout?: number;
  waitSeconds?: number;
  attributeNames: readonly string[];
  /** Ends a long poll early with nothing received (the client went away). */
  signal?: AbortSignal;
}

/** One standard queue. */
export class Queue {
  readonly #messages = new Map<string, Message>();
  readonly #waiters = new Set<() => void>();
  readonly stats: QueueStats = { sent: 0, received: 0, deleted: 0, deadLettered: 0, purged: 0 };
  readonly createdAt: number;
  #purgedAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly url: string,
    readonly settings: QueueSettings,
    private readonly clock: QueueClock,
    private readonly deadLetterQueue: (arn: string) => Queue | undefined,
  ) {
    this.createdAt = clock.now();
  }

  /** Adds a message; it can be received after `delaySeconds` (default: the queue's DelaySeconds). */
  send(body: string, senderId: string, delaySeconds = this.settings.DelaySeconds): { MessageId: string; MD5OfMessageBody: string } {
    const now = this.clock.now();
    const message: Message = { id: randomUUID(), body, md5: md5(body), senderId, sentAt: now, receiveCount: 0, visibleAt: now + this.#ms(delaySeconds) };
    this.#messages.set(message.id, message);
    this.stats.sent += 1;
    this.#notify();
    return { MessageId: message.id, MD5OfMessageBody: message.md5 };
  }

  /**
   * Up to `max` visible messages, in the order they were sent; with `waitSeconds`, a long poll that answers as soon
   * as one is visible (sent, or back after its visibility timeout) and with none when the time is up.
   */
  async receive({ max, visibilityTimeout = this.settings.VisibilityTimeout, waitSeconds = this.settings.ReceiveMessageWaitTimeSeconds, attributeNames, signal }: ReceiveRequest): Promise<ReceivedMessage[]> {
    const deadline = this.clock.now() + this.#ms(waitSeconds);
    for (;;) {
      if (signal?.aborted || this.#closed) return [];
      const picked = this.#pick(max, visibilityTimeout, attributeNames);
      const now = this.clock.now();
      if (picked.length > 0 || now >= deadline) return picked;
      await this.#wait(Math.min(deadline, this.#nextVisibleAt()) - now, signal);
    }
  }

  /** Deletes the message `receipt` was issued for, if it is still its latest receipt (SQS: "might not be deleted" otherwise). */
  delete(receipt: string): void {
    const message = this.#messageOf(receipt);
    if (!message || message.receipt !== receipt) return;
    this.#messages.delete(message.id);
    this.stats.deleted += 1;
  }

  /** Makes an in-flight message visible again `seconds` from now (0: at once). */
  changeVisibility(receipt: string, seconds: number): void {
    const message = this.#messageOf(receipt);
    if (!message) throw new SqsFault('ReceiptHandleIsInvalid', `The receipt handle ${receipt} names a message no longer in ${this.name}`);
    if (message.receipt !== receipt) throw new SqsFault('ReceiptHandleIsInvalid', `The receipt handle ${receipt} is not the latest of message ${message.id}: it was received again since`);
    const now = this.clock.now();
    if (message.visibleAt <= now) throw new SqsFault('MessageNotInflight', `Message ${message.id} is not in flight: its visibility timeout has passed`);
    message.visibleAt = now + this.#ms(seconds);
    this.#notify();
  }

  /** Deletes every message; SQS allows one purge a minute. */
  purge(): void {
    const now = this.clock.now();
    if (now - this.#purgedAt < this.#ms(60)) throw new SqsFault('PurgeQueueInProgress', `Only one PurgeQueue operation on ${this.name} is allowed every 60 seconds`);
    this.#purgedAt = now;
    this.stats.purged += this.#messages.size;
    this.#messages.clear();
  }

  /** Takes a message moved from another queue: visible at once, its id, body, times and count kept. */
  #adopt(message: Message, sourceArn: string): void {
    this.#messages.set(message.id, { ...message, receipt: undefined, visibleAt: this.clock.now(), deadLetterSourceArn: sourceArn });
    this.stats.sent += 1;
    this.#notify();
  }

  depth(): QueueDepth {
    this.#dropExpired();
    const now = this.clock.now();
    const depth: QueueDepth = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.#messages.values()) {
      if (message.visibleAt <= now) depth.visible += 1;
      else if (message.receiveCount > 0) depth.inFlight += 1;
      else depth.delayed += 1;
    }
    return depth;
  }

  /** GetQueueAttributes' answer for `names` (`All`: every attribute the queue has). */
  attributes(names: readonly string[]): Record<string, string> {
    const depth = this.depth();
    const { RedrivePolicy, ...numbers } = this.settings;
    const values: Record<string, string | undefined> = {
      QueueArn: this.arn,
      ApproximateNumberOfMessages: String(depth.visible),
      ApproximateNumberOfMessagesNotVisible: String(depth.inFlight),
      ApproximateNumberOfMessagesDelayed: String(depth.delayed),
      CreatedTimestamp: String(Math.floor(this.createdAt / 1000)),
      ...Object.fromEntries(Object.entries(numbers).map(([name, value]) => [name, String(value)])),
      RedrivePolicy: RedrivePolicy && JSON.stringify(RedrivePolicy),
    };
    const unknown = names.find((name) => name !== 'All' && !(name in values));
    if (unknown !== undefined) throw new SqsFault('InvalidAttributeName', `AttributeNames: unknown attribute ${JSON.stringify(unknown)}; allowed: All, ${Object.keys(values).join(', ')}`);
    const wanted = names.includes('All') ? Object.keys(values) : names;
    return Object.fromEntries(wanted.filter((name) => values[name] !== undefined).map((name) => [name, values[name]!]));
  }

  /** Receives waiting for a message now (long polls). */
  get longPolls(): number {
    return this.#waiters.size;
  }

  /** Ends every long poll with nothing; later receives answer nothing at once. */
  close(): void {
    this.#closed = true;
    this.#notify();
  }

  #pick(max: number, visibilityTimeout: number, attributeNames: readonly string[]): ReceivedMessage[] {
    this.#dropExpired();
    const now = this.clock.now();
    const picked: ReceivedMessage[] = [];
    for (const message of this.#messages.values()) {
      if (picked.length === max) break;
      if (message.visibleAt > now) continue;
      if (this.#redrive(message)) continue;
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.receipt = receiptHandle(this.name, message.id);
      message.visibleAt = now + this.#ms(visibilityTimeout);
      this.stats.received += 1;
      picked.push(received(message, attributeNames));
    }
    return picked;
  }

  /** Moves a message received more than maxReceiveCount times to the dead-letter queue, as SQS does at its next receive. */
  #redrive(message: Message): boolean {
    const policy = this.settings.RedrivePolicy;
    if (!policy || message.receiveCount < policy.maxReceiveCount) return false;
    const target = this.deadLetterQueue(policy.deadLetterTargetArn);
    if (!target) return false;
    this.#messages.delete(message.id);
    this.stats.deadLettered += 1;
    target.#adopt(message, this.arn);
    return true;
  }

  /** Messages older than the retention period are gone, as in SQS (counted from their first sending). */
  #dropExpired(): void {
    const oldest = this.clock.now() - this.#ms(this.settings.MessageRetentionPeriod);
    for (const message of this.#messages.values()) if (message.sentAt <= oldest) this.#messages.delete(message.id);
  }

  #messageOf(receipt: string): Message | undefined {
    const [queue, id] = decodeReceipt(receipt);
    if (queue !== this.name) throw new SqsFault('ReceiptHandleIsInvalid', `The receipt handle ${receipt} was not issued by ${this.name}`);
    return this.#messages.get(id);
  }

  #nextVisibleAt(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const message of this.#messages.values()) next = Math.min(next, message.visibleAt);
    return next;
  }

  /** Resolves after `ms`, or sooner when a message may have become receivable or the poll was abandoned. */
  #wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(ms, 0));
      this.#waiters.add(done);
      signal?.addEventListener('abort', done);
    });
  }

  #notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  #ms(seconds: number): number {
    return seconds * this.clock.secondMs;
  }
}

/** A message as a receive hands it out, with the system attributes asked for (`All`: every one it has). */
function received(message: Message, names: readonly string[]): ReceivedMessage {
  const values: Record<(typeof MESSAGE_ATTRIBUTES)[number], string | undefined> = {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentAt),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
    SenderId: message.senderId,
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const wanted = names.includes('All') ? MESSAGE_ATTRIBUTES : MESSAGE_ATTRIBUTES.filter((name) => names.includes(name));
  const attributes = Object.fromEntries(wanted.filter((name) => values[name] !== undefined).map((name) => [name, values[name]!]));
  return { MessageId: message.id, ReceiptHandle: message.receipt!, MD5OfBody: message.md5, Body: message.body, ...(Object.keys(attributes).length > 0 && { Attributes: attributes }) };
}

/** Refuses a system attribute name ReceiveMessage does not know. */
export function checkMessageAttributeNames(names: readonly string[], field: string): void {
  const known = ['All', ...MESSAGE_ATTRIBUTES, ...NOT_ON_STANDARD_QUEUES];
  const unknown = names.find((name) => !known.includes(name));
  if (unknown !== undefined) throw new SqsFault('InvalidAttributeName', `${field}: unknown attribute ${JSON.stringify(unknown)}; allowed: ${known.join(', ')}`);
}

/** A receipt handle names its queue and message, so that a stale one is told from a forged one without keeping either. */
function receiptHandle(queue: string, id: string): string {
  return Buffer.from(JSON.stringify([queue, id, randomBytes(8).toString('hex')])).toString('base64url');
}

function decodeReceipt(receipt: string): [string, string] {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(receipt, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 3 && decoded.every((part) => typeof part === 'string')) return [decoded[0], decoded[1]];
  } catch {
    // Not one of ours: refused below.
  }
  throw new SqsFault('ReceiptHandleIsInvalid', `The input receipt handle ${JSON.stringify(receipt)} is not a valid receipt handle`);
}

/** MD5 of the body's UTF-8 bytes, in hex: what SQS answers and the SDK checks. */
export function md5(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/** The queues of one stand-in, by name, URL (`<origin>/<account>/<name>`) and ARN. */
export class Queues {
  readonly #byName = new Map<string, Queue>();

  constructor(
    private readonly origin: string,
    readonly region: string,
    readonly accountId: string,
    private readonly clock: QueueClock,
  ) {}

  url(name: string): string {
    return `${this.origin}/${this.accountId}/${name}`;
  }

  arn(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  /** Creates a standard queue, or answers the one of that name when its attributes are the same (as SQS does). */
  create(name: string, attributes: Record<string, unknown>): Queue {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw new SqsFault('InvalidParameterValue', `QueueName ${JSON.stringify(name)}: allowed are 1 to 80 of A-Z a-z 0-9 _ - (FIFO queues, .fifo, are not offered by this stand-in)`);
    }
    const settings = this.#settings(attributes);
    const existing = this.#byName.get(name);
    if (existing) {
      if (JSON.stringify(existing.settings) !== JSON.stringify(settings)) throw new SqsFault('QueueNameExists', `A queue named ${name} already exists with different attributes`);
      return existing;
    }
    const queue = new Queue(name, this.arn(name), this.url(name), settings, this.clock, (arn) => this.byArn(arn));
    this.#byName.set(name, queue);
    return queue;
  }

  named(name: string): Queue {
    const queue = this.#byName.get(name);
    if (!queue) throw new SqsFault('QueueDoesNotExist', `The specified queue ${name} does not exist`);
    return queue;
  }

  /** The queue a QueueUrl names: its path is `/<account>/<name>`, whatever host the client used. */
  at(url: string): Queue {
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      throw new SqsFault('QueueDoesNotExist', `QueueUrl ${JSON.stringify(url)} is not a URL; expected ${this.url('<name>')}`);
    }
    const [, account, name, ...rest] = path.split('/');
    if (account !== this.accountId || !name || rest.length > 0) throw new SqsFault('QueueDoesNotExist', `The specified queue ${url} does not exist`);
    return this.named(name);
  }

  byArn(arn: string): Queue | undefined {
    return [...this.#byName.values()].find((queue) => queue.arn === arn);
  }

  close(): void {
    for (const queue of this.#byName.values()) queue.close();
  }

  /** CreateQueue's Attributes (strings, as the API takes them) checked and with SQS's defaults. */
  #settings(attributes: Record<string, unknown>): QueueSettings {
    const settings = Object.fromEntries(Object.entries(NUMERIC_ATTRIBUTES).map(([name, limits]) => [name, limits.default])) as unknown as QueueSettings;
    for (const [name, value] of Object.entries(attributes)) {
      if (name === 'RedrivePolicy') settings.RedrivePolicy = this.#redrivePolicy(value);
      else if (name in NUMERIC_ATTRIBUTES) settings[name as keyof typeof NUMERIC_ATTRIBUTES] = numericAttribute(name as keyof typeof NUMERIC_ATTRIBUTES, value);
      else throw new SqsFault('InvalidAttributeName', `Unknown queue attribute ${JSON.stringify(name)}; this stand-in takes ${[...Object.keys(NUMERIC_ATTRIBUTES), 'RedrivePolicy'].join(', ')}`);
    }
    return settings;
  }

  #redrivePolicy(value: unknown): QueueSettings['RedrivePolicy'] {
    let policy: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    try {
      policy = JSON.parse(String(value));
    } catch {
      throw new SqsFault('InvalidAttributeValue', `RedrivePolicy ${JSON.stringify(value)} is not JSON; expected {"deadLetterTargetArn":"arn:aws:sqs:…","maxReceiveCount":5}`);
    }
    const maxReceiveCount = Number(policy.maxReceiveCount);
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new SqsFault('InvalidAttributeValue', `RedrivePolicy.maxReceiveCount ${JSON.stringify(policy.maxReceiveCount)}: allowed is a whole number from 1 to 1000`);
    }
    if (typeof policy.deadLetterTargetArn !== 'string' || !this.byArn(policy.deadLetterTargetArn)) {
      throw new SqsFault('InvalidAttributeValue', `RedrivePolicy.deadLetterTargetArn ${JSON.stringify(policy.deadLetterTargetArn)}: no such queue; create the dead-letter queue first`);
    }
    return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount };
  }
}

/** A numeric queue attribute, given as a string of digits, within SQS's range for it. */
function numericAttribute(name: keyof typeof NUMERIC_ATTRIBUTES, value: unknown): number {
  const { min, max } = NUMERIC_ATTRIBUTES[name];
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max)) throw new SqsFault('InvalidAttributeValue', `${name} ${JSON.stringify(value)}: allowed is a whole number from ${min} to ${max}, as a string`);
  return number;
}
