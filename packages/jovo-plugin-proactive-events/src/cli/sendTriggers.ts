import { type Issue, type SendResult, type SendStatus } from 'alexa-proactive-events';
import { refusedResult } from 'alexa-proactive-events/internal';
import { EXIT, issueJson, plural, problemLines, type Io } from 'alexa-proactive-events/cli';
import { resultHints } from '../hints';
import { checkTriggerEvent, signTriggers, triggerEvent, type EventToTrigger } from '../trigger/client';
import type { FanOutAnswer } from '../trigger/fanOutAnswer';
import type { SendPlan } from './sendOptions';

/** How to name a problem's field for the user: by the flag that filled it, say. */
export type NameIssue = (issue: Issue) => Issue;

/**
 * Sends the event through the skill's hidden intent (`triggerEvent`) and prints a line per event, or a JSON object
 * per event with --json; checks the event first and sends nothing if it is invalid (exit `invalid`: 2 when flags
 * filled the event, 1 for a file). Returns the exit status: 0 all accepted, duplicates or skipped (a user who turned
 * the event off: nothing to do), 1 anything refused, 3 anything failed.
 */
export async function sendTriggers(event: EventToTrigger, plan: SendPlan, io: Io, nameIssue: NameIssue = (issue) => issue, invalid: number = EXIT.refused): Promise<number> {
  if (!report(checkTriggerEvent(event, plan), event, plan, io, nameIssue)) return invalid;
  if (plan.dryRun) {
    let triggers;
    try {
      triggers = signTriggers(event, plan);
    } catch (error) {
      io.err(`✗ ${event.event.name}: ${(error as Error).message}\n`);
      return EXIT.refused;
    }
    for (const trigger of triggers) io.out(`${JSON.stringify(trigger)}\n`);
    return EXIT.ok;
  }
  // At most this many: a users file is counted with its duplicates, which are sent once.
  const total = (plan.users?.length ?? 0) + (plan.usersInFile ?? 0) || 1;
  const counts: Record<SendStatus, number> = { accepted: 0, duplicate: 0, skipped: 0, rejected: 0, failed: 0 };
  const progress = new Progress(io, total);
  const many = total > 20;
  let fanOut: FanOutAnswer | undefined;
  // Results are counted and printed as they come, never kept: a fan-out to 100,000 users takes no more memory than one to 10.
  await triggerEvent(event, plan, {
    keepResults: false,
    onFanOut: (answer) => {
      fanOut = answer;
      if (plan.json) io.out(`${JSON.stringify({ event: answer.event, referenceId: answer.referenceId, fanOut: answer.fanOut, statuses: answer.statuses, ...(answer.unfinished && { unfinished: answer.unfinished }) })}\n`);
      else io.out(`${describeFanOutAnswer(answer)}\n`);
    },
    onResults: (results) => {
      for (const result of results) {
        counts[result.status]++;
        if (plan.json) io.out(`${JSON.stringify(resultJson(result))}\n`);
        else if (!many || !['accepted', 'duplicate'].includes(result.status)) progress.print(describe(result));
      }
      progress.update(counts);
    },
  });
  progress.done();
  if (!plan.json && total > 1) io.out(`${Object.entries(counts).map(([status, n]) => `${n} ${status}`).join(', ')}\n`);
  const fanOutFailed = fanOut !== undefined && (fanOut.unfinished !== undefined || (fanOut.statuses.failed ?? 0) > 0);
  return counts.failed > 0 || fanOutFailed ? EXIT.failed : counts.rejected > 0 ? EXIT.refused : EXIT.ok;
}

/** The skill's summary of a trigger to every subscriber, as one line (and why it stopped short, if it did). */
function describeFanOutAnswer({ event, fanOut, statuses, unfinished }: FanOutAnswer): string {
  const sent = Object.entries(statuses).map(([status, n]) => `${n} ${status}`).join(', ') || 'none sent here';
  const queued = fanOut.enqueued > 0 ? `, ${fanOut.enqueued} enqueued for the fan-out's worker` : '';
  const mark = unfinished || (statuses.failed ?? 0) > 0 ? '✗' : '✓';
  return `${mark} ${event ?? 'the event'} to subscribers (${fanOut.plan}): ${fanOut.usersDue} users due${queued}; ${sent}${fanOut.throttled > 0 ? `, ${fanOut.throttled} throttled` : ''}${unfinished ? `\n    unfinished: ${unfinished}` : ''}`;
}

/** Prints what the check found: the problems of an invalid event (as its result with --json), or its warnings. */
function report(checked: { ok: boolean; issues?: Issue[]; warnings: Issue[] }, { event }: EventToTrigger, plan: SendPlan, io: Io, nameIssue: NameIssue): boolean {
  const warnings = checked.warnings.map(nameIssue);
  if (checked.ok) {
    // On stderr with --json too: stdout keeps one JSON object per event.
    if (warnings.length > 0) io.err(problemLines([], warnings));
    return true;
  }
  const issues = (checked.issues ?? []).map(nameIssue);
  if (plan.json) {
    io.out(`${JSON.stringify(resultJson({ ...refusedResult(event.name, plan.referenceId, '', issues), warnings }))}\n`);
  } else io.err(`${event.name} not sent, ${plural(issues.length, 'problem')}:\n${problemLines(issues, warnings)}`);
  return false;
}

/** A result as its --json line: the contract's keys first. */
export function resultJson({ event, referenceId, status, httpStatus, requestId, errors, warnings, attempts, user }: SendResult): object {
  return { event, referenceId, status, httpStatus, requestId, errors: errors.map(issueJson), warnings: warnings.map(issueJson), attempts, ...(user !== undefined && { user }) };
}

function describe(result: SendResult): string {
  const { status, event, user, httpStatus, requestId, errors, warnings } = result;
  const mark = status === 'accepted' || status === 'duplicate' ? '✓' : status === 'skipped' ? '·' : '✗';
  const details = [httpStatus !== null ? String(httpStatus) : '', requestId ? `request id ${requestId}` : ''].filter(Boolean).join(', ');
  const notes = [...errors.map((error) => error.message), ...resultHints(result).map((hint) => `hint: ${hint}`), ...warnings.map((warning) => `warning: ${warning.message}`)];
  return `${mark} ${event} ${status}${user ? ` for ${user}` : ''}${details ? ` (${details})` : ''}${notes.map((note) => `\n    ${note}`).join('')}\n`;
}

/** A progress line on a terminal for fan-outs, redrawn in place; nothing otherwise. */
class Progress {
  readonly #io: Io;
  readonly #total: number;
  readonly #active: boolean;
  #line = '';

  constructor(io: Io, total: number) {
    this.#io = io;
    this.#total = total;
    this.#active = io.interactive === true && total > 1;
  }

  update(counts: Record<SendStatus, number>): void {
    if (!this.#active) return;
    const done = Object.values(counts).reduce((a, b) => a + b, 0);
    const width = 24;
    const filled = Math.round((done / this.#total) * width);
    this.#line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.#total} · ${counts.accepted + counts.duplicate} delivered · ${counts.failed} failed`;
    this.#io.err(`\r${this.#line}`);
  }

  /** Prints a result line above the progress line. */
  print(text: string): void {
    if (this.#active && this.#line) this.#io.err(`\r${' '.repeat(this.#line.length)}\r`);
    this.#io.out(text);
    if (this.#active && this.#line) this.#io.err(`\r${this.#line}`);
  }

  done(): void {
    if (this.#active && this.#line) this.#io.err('\n');
  }
}
