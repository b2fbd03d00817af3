import { createHash } from 'crypto';
import { REGION_ORIGINS, type Region, type Stage } from './regions';
import type { SendResult, SendStatus } from './result';

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
export function sendRecord(result: SendResult, { origin, stage, latencyMs }: { origin: string | undefined; stage: Stage; latencyMs: number }): SendRecord {
  const region = origin === undefined ? null : ((Object.keys(REGION_ORIGINS) as Region[]).find((name) => REGION_ORIGINS[name] === origin) ?? 'other');
  return {
    event: result.event,
    audience: result.user === undefined ? 'Multicast' : 'Unicast',
    region,
    stage,
    status: result.status,
    httpStatus: result.httpStatus,
    attempts: result.attempts,
    latencyMs: Math.round(latencyMs),
    amazonRequestId: result.requestId,
    referenceId: result.referenceId,
    ...(result.user !== undefined && { userHash: userHash(result.user) }),
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
  return parts.join(', ');
}
