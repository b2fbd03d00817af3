import { createHash } from 'crypto';
import { REGION_ORIGINS, type Region, type Stage } from './regions';
import type { SendResult, SendStatus } from './result';
import type { TokenRecord } from './token';
import { printable } from '../logSafe';

/**
 * One record per send, for a log query or a metric: what went where, how it ended, in how many attempts and how
 * long. Never a token, a secret or a user id in clear: a Unicast's user is a stable hash (`userHash`).
 */
export interface SendRecord {
  event: string | null;
  audience: 'Multicast' | 'Unicast';
  /** Amazon's region of the host it went to, or `other` (an allowed origin such as the emulator); null when refused before choosing one. */
  region: Region | 'other' | null;
  stage: Stage;
  status: SendStatus;
  httpStatus: number | null;
  attempts: number;
  /** Amazon's HTTP status of each attempt in order, null for one that got no answer: `[429, 202]` was throttled once. */
  answers: Array<number | null>;
  /** From the first check to the outcome, retries and their pauses included. */
  latencyMs: number;
  /** Amazon's `x-amzn-requestid` of the last answer. */
  amazonRequestId: string | null;
  referenceId: string | null;
  /** A Unicast's user as `userHash` makes it. */
  userHash?: string;
}

/** A user id as records and logs show it: 16 hex digits of its SHA-256, the same for the same user everywhere. */
export function userHash(user: string): string {
  return createHash('sha256').update(user).digest('hex').slice(0, 16);
}

/** The record of one send's result. */
export function sendRecord(
  result: SendResult,
  { origin, stage, latencyMs, answers = [] }: { origin: string | undefined; stage: Stage; latencyMs: number; answers?: ReadonlyArray<number | null> },
): SendRecord {
  const region = origin === undefined ? null : ((Object.keys(REGION_ORIGINS) as Region[]).find((name) => REGION_ORIGINS[name] === origin) ?? 'other');
  return {
    event: result.event,
    audience: result.user === undefined ? 'Multicast' : 'Unicast',
    region,
    stage,
    status: result.status,
    httpStatus: result.httpStatus,
    attempts: result.attempts,
    answers: [...answers],
    latencyMs: Math.round(latencyMs),
    amazonRequestId: result.requestId,
    referenceId: result.referenceId,
    ...(result.user !== undefined && { userHash: userHash(result.user) }),
  };
}

/**
 * What one fan-out batch (a trigger naming users) or one scheduled run came to, after its last send: how many
 * sends of each status, and how long it took. Counts only: never a user id.
 */
export interface SummaryRecord {
  /**
   * `trigger`: a signed trigger's users; `schedule`: a run of a schedule (a declared one, or a user's own);
   * `batch`: one batch of users of a run or trigger that addressed subscribers, sent by the fan-out's worker.
   */
  run: 'trigger' | 'schedule' | 'batch';
  /** The hidden intent, or the schedule's name (a user's own is `u.<userHash>.<name>`). */
  name: string;
  event: string | null;
  referenceId: string | null;
  sends: number;
  /** Sends by status; a status no send had is left out. */
  statuses: Partial<Record<SendStatus, number>>;
  latencyMs: number;
  /** The time a scheduled run was for. */
  scheduledTime?: string;
  /** A run, trigger or batch that addressed subscribers: what became of its users. */
  fanOut?: {
    /** How it reached them: `multicast NA, EU` (one per region with subscribers), or `unicast` (one per user). */
    plan: string;
    /** Users the run addressed: its due zones' or regions' subscribers of the event (for a Multicast, not counted: 0). */
    usersDue: number;
    /** Users handed to the fan-out queue in batches; 0 where the batches ran in this process. */
    enqueued: number;
    /** Sends that Amazon answered 429 at least once (retried, or handed back to the queue). */
    throttled: number;
    /** Users of batches that failed their last delivery and went to the dead-letter queue. */
    deadLettered: number;
  };
}

/** How many of `results` had each status, in the order the statuses first came; a status none had is left out. */
export function countStatuses(results: readonly SendResult[]): Partial<Record<SendStatus, number>> {
  const statuses: Partial<Record<SendStatus, number>> = {};
  for (const { status } of results) statuses[status] = (statuses[status] ?? 0) + 1;
  return statuses;
}

/** The summary of `results`, the sends of one fan-out batch or scheduled run. */
export function summaryRecord(run: SummaryRecord['run'], name: string, results: readonly SendResult[], latencyMs: number, scheduledTime?: string): SummaryRecord {
  const statuses = countStatuses(results);
  return {
    run,
    name,
    event: results[0]?.event ?? null,
    referenceId: results[0]?.referenceId ?? null,
    sends: results.length,
    statuses,
    latencyMs: Math.round(latencyMs),
    ...(scheduledTime !== undefined && { scheduledTime }),
  };
}

/**
 * A record as one log line: a JSON object (`json`, for CloudWatch Logs Insights and other log queries), or words
 * for a terminal (`text`): `send accepted AMAZON.WeatherAlert.Activated Multicast NA development 202, 1 attempt, 38 ms …`.
 */
export function formatSendRecord(record: SendRecord, format: 'json' | 'text'): string {
  if (format === 'json') return JSON.stringify({ message: 'send', ...record });
  const attempts = `${record.attempts} attempt${record.attempts === 1 ? '' : 's'}`;
  const parts = [
    `send ${record.status} ${record.event ?? '(no event)'} ${record.audience}${record.userHash ? ` ${record.userHash}` : ''} ${record.region ?? '-'} ${record.stage}`,
    `${record.httpStatus ?? 'not sent'}, ${attempts}, ${record.latencyMs} ms`,
    `referenceId ${record.referenceId ?? '-'}`,
  ];
  if (record.amazonRequestId) parts.push(`request ${record.amazonRequestId}`);
  // The referenceId (and Amazon's request id) are the sender's and Amazon's words: on one line, with no terminal sequence.
  return printable(parts.join(', '));
}

/** A token request as one log line, as `formatSendRecord` makes one of a send: `token 200, 41 ms`. */
export function formatTokenRecord(record: TokenRecord, format: 'json' | 'text'): string {
  if (format === 'json') return JSON.stringify({ message: 'token', ...record });
  return `token ${record.ok ? '' : `refused ${record.code} `}${record.httpStatus ?? 'no answer'}, ${record.latencyMs} ms`;
}

/** A summary as one log line: `summary trigger WeatherAlertIntent AMAZON.WeatherAlert.Activated 25 sends: 24 accepted, 1 skipped, 812 ms`. */
export function formatSummaryRecord(record: SummaryRecord, format: 'json' | 'text'): string {
  if (format === 'json') return JSON.stringify({ message: 'summary', ...record });
  const statuses = Object.entries(record.statuses).map(([status, n]) => `${n} ${status}`);
  const when = record.scheduledTime ? ` (${record.scheduledTime})` : '';
  const fan = record.fanOut;
  const users = fan ? `, ${fan.plan}: ${fan.usersDue} users due, ${fan.enqueued} enqueued, ${fan.throttled} throttled, ${fan.deadLettered} dead-lettered` : '';
  return printable(`summary ${record.run} ${record.name}${when} ${record.event ?? '(no event)'} ${record.sends} send${record.sends === 1 ? '' : 's'}: ${statuses.join(', ') || 'none'}${users}, ${record.latencyMs} ms, referenceId ${record.referenceId ?? '-'}`);
}

/**
 * The three record hooks, by the names of the options they go to: the sender's `onSend`, the token client's
 * `onRequest`, and the Jovo plugin's `onSummary`.
 */
export interface RecordHooks {
  onSend: (record: SendRecord) => void;
  onRequest: (record: TokenRecord) => void;
  onSummary: (record: SummaryRecord) => void;
}

/** Hooks that write every record as one log line (`json` or `text`), to `write` (default: console.log). */
export function recordLines(format: 'json' | 'text', write: (line: string) => void = console.log): RecordHooks {
  return {
    onSend: (record) => write(formatSendRecord(record, format)),
    onRequest: (record) => write(formatTokenRecord(record, format)),
    onSummary: (record) => write(formatSummaryRecord(record, format)),
  };
}
