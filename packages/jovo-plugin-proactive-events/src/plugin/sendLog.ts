import { Log } from 'jovo-core';
import { type SendResult } from 'alexa-proactive-events';
import { describeIssue, printable } from 'alexa-proactive-events/internal';

/**
 * One log line for each way sending went wrong: refused here, rejected by Amazon (with its status and reason), or
 * failed after the retries (with the last cause), and for each warning of the validator. A fan-out whose users
 * fail alike gets one line, with their number. Results carry neither the client secret nor a token, so neither can
 * appear here; what a sender chose (a payload's unknown key, a value) is escaped, so it cannot break or forge a line.
 */
export function logProblems(name: string, results: readonly SendResult[]): void {
  const lines = new Map<string, number>();
  for (const { status, httpStatus, errors, warnings } of results) {
    const sent = status === 'accepted' || status === 'duplicate';
    for (const warning of warnings) {
      const line = `${sent ? 'sent with a warning' : 'warning'}: ${describeIssue(warning)}`;
      lines.set(line, (lines.get(line) ?? 0) + 1);
    }
    if (status !== 'rejected' && status !== 'failed') continue;
    const why = errors.map((error) => (error.path ? describeIssue(error) : error.message)).join('; ');
    const line = status === 'failed' ? `failed after retries: ${why}` : httpStatus === null ? `not sent: ${why}` : `rejected by Amazon: ${why}`;
    lines.set(line, (lines.get(line) ?? 0) + 1);
  }
  for (const [line, n] of lines) Log.warn(printable(`ProactiveEvents: ${name} ${line}${n > 1 ? ` (${n} users)` : ''}`));
}
