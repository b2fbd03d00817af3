import { z } from 'zod';
import {
  buildRequest,
  hiddenIntentName,
  networkCause,
  postJson,
  triggerRequest,
  validateRequest,
  type EventName,
  type Issue,
  type PostJson,
  type SendResult,
  type SendStatus,
  type TriggerData,
} from '../proactive';
import { EXIT, type Io } from './io';
import { issueJson, plural, problemLines } from './report';
import type { SendPlan } from './sendOptions';

/** The event a command sends: from flags or a file. */
export interface EventToTrigger {
  event: { name: EventName; payload: unknown };
  localizedAttributes?: ReadonlyArray<Record<string, string>>;
  /** How to name a problem's field for the user: by the flag that filled it, say. Default: its path. */
  nameIssue?: (issue: Issue) => Issue;
}

/** One line of --json output. */
/** The skill's result for the trigger script: its --json keys (CONTRACT.md); the warnings are printed before sending. */
export interface TriggerOutcome extends Omit<SendResult, 'attempts' | 'warnings'> {
  user?: string;
}

/** What a run did: its exit status and each event's outcome. */
export interface TriggerRun {
  status: number;
  outcomes: TriggerOutcome[];
}

/** How long to wait for the skill: it may retry Amazon for up to a minute before it answers. */
const TRIGGER_TIMEOUT_MS = 90_000;
const TRIGGER_ATTEMPTS = 3;

/** The results the skill puts into its response, one per user (see the plugin). */
const ResultsSchema = z.array(
  z.object({
    status: z.enum(['accepted', 'duplicate', 'skipped', 'rejected', 'failed']),
    event: z.string().nullable(),
    referenceId: z.string().nullable(),
    httpStatus: z.number().nullable(),
    requestId: z.string().nullable(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), value: z.unknown().optional() })),
    user: z.string().optional(),
  }),
);

/** How the skill's webhook and Lambda entry answer a request they refuse. */
const RefusalSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/**
 * Sends the event through the skill's hidden intent: one signed trigger for Multicast, or one per batch of
 * users, `concurrency` triggers at a time. Checks the event first and sends nothing if it is invalid. Prints a line per event
 * (or JSON), and returns the exit status: 0 all accepted or duplicates, 1 anything refused or skipped, 3 anything
 * failed.
 */
export async function sendTriggers(
  { event, localizedAttributes, nameIssue = (issue) => issue }: EventToTrigger,
  plan: SendPlan,
  io: Io,
  post: PostJson = postJson,
): Promise<TriggerRun> {
  const draft = buildRequest({ event, localizedAttributes, user: plan.users?.[0], referenceId: plan.referenceId, expiresInMinutes: plan.expiresInMinutes });
  const total = plan.users?.length ?? 1;
  const checked = validateRequest(draft);
  if (!checked.ok) {
    const issues = checked.issues.map(nameIssue);
    const outcome: TriggerOutcome = { event: event.name, referenceId: plan.referenceId, status: 'rejected', httpStatus: null, requestId: null, errors: issues };
    if (plan.json) io.out(`${JSON.stringify({ ...outcome, errors: outcome.errors.map(issueJson) })}\n`);
    else io.err(`${event.name} not sent, ${plural(issues.length, 'problem')}:\n${problemLines(issues, checked.warnings.map(nameIssue))}`);
    return { status: EXIT.refused, outcomes: [outcome] };
  }
  // On stderr with --json too: stdout keeps one JSON object per event.
  if (checked.warnings.length > 0) io.err(problemLines([], checked.warnings.map(nameIssue)));

  const intent = hiddenIntentName(event.name);
  const batches: Array<string[] | undefined> = plan.users ? chunks(plan.users, plan.batchSize) : [undefined];
  const data = (users: string[] | undefined): TriggerData => ({
    event,
    ...(localizedAttributes && { localizedAttributes: [...localizedAttributes] }),
    ...(users && { users }),
    referenceId: plan.referenceId,
    ...(plan.expiresInMinutes !== undefined && { expiresInMinutes: plan.expiresInMinutes }),
    ...(plan.stage && { stage: plan.stage }),
    explicitEndpoint: plan.explicitEndpoint,
  });
  const sign = (users: string[] | undefined) =>
    triggerRequest({ intent, data: data(users), apiEndpoint: plan.apiEndpoint, locale: plan.locales[0], secret: plan.secret });

  if (plan.dryRun) {
    for (const users of batches) io.out(`${JSON.stringify(sign(users))}\n`);
    return { status: EXIT.ok, outcomes: [] };
  }

  const counts: Record<SendStatus, number> = { accepted: 0, duplicate: 0, skipped: 0, rejected: 0, failed: 0 };
  const outcomes: TriggerOutcome[] = [];
  const progress = new Progress(io, total);
  const many = total > 20;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(plan.concurrency, batches.length) }, async () => {
      while (next < batches.length) {
        const users = batches[next++];
        for (const outcome of await postTrigger(post, plan.endpoint, () => sign(users), event.name, plan.referenceId, users)) {
          counts[outcome.status]++;
          outcomes.push(outcome);
          if (plan.json) io.out(`${JSON.stringify({ ...outcome, errors: outcome.errors.map(issueJson) })}\n`);
          else if (!many || !['accepted', 'duplicate'].includes(outcome.status)) progress.print(describe(outcome));
        }
        progress.update(counts);
      }
    }),
  );
  progress.done();
  if (!plan.json && total > 1) {
    io.out(`${Object.entries(counts).map(([status, n]) => `${n} ${status}`).join(', ')}\n`);
  }
  const status = counts.failed > 0 ? EXIT.failed : counts.rejected + counts.skipped > 0 ? EXIT.refused : EXIT.ok;
  return { status, outcomes };
}

/**
 * Posts one trigger and returns a result per user. A skill that cannot be reached, or answers 429 or 5xx, gets
 * it again, freshly signed; after that every user of the batch has failed, with the cause.
 */
async function postTrigger(post: PostJson, endpoint: string, sign: () => object, event: string, referenceId: string, users?: string[]): Promise<TriggerOutcome[]> {
  let cause = '';
  for (let attempt = 1; attempt <= TRIGGER_ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 2)));
    try {
      const response = await post(endpoint, sign(), { timeoutMs: TRIGGER_TIMEOUT_MS });
      const results = ResultsSchema.safeParse((response.data as { proactiveEvents?: unknown } | undefined)?.proactiveEvents);
      if (response.status === 200 && results.success) {
        return results.data.map(({ status, httpStatus, requestId, errors, user, ...result }) => ({
          event: result.event ?? event,
          referenceId: result.referenceId ?? referenceId,
          status,
          httpStatus,
          requestId,
          errors,
          ...(user !== undefined && { user }),
        }));
      }
      const refusal = RefusalSchema.safeParse(response.data);
      if (response.status >= 400 && response.status < 500 && response.status !== 429 && refusal.success) {
        // The skill's door turned the trigger away before it reached the hidden intent: a refusal, not a failure.
        const { message } = refusal.data.error;
        return (users ?? [undefined]).map((user) => ({ event, referenceId, status: 'rejected', httpStatus: null, requestId: null, errors: [{ path: '', message }], ...(user !== undefined && { user }) }));
      }
      cause = `${endpoint} answered ${response.status}${results.success ? '' : " without a trigger result: is it this skill's webhook, and is the skill up to date?"}`;
      if (response.status !== 429 && response.status < 500) break;
    } catch (error) {
      cause = `POST ${endpoint} failed: ${networkCause(error)}`;
    }
  }
  const failed = (user?: string): TriggerOutcome => ({
    event,
    referenceId,
    status: 'failed',
    httpStatus: null,
    requestId: null,
    errors: [{ path: '', message: cause }],
    ...(user !== undefined && { user }),
  });
  return users ? users.map(failed) : [failed()];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function describe({ status, event, user, httpStatus, requestId, errors }: TriggerOutcome): string {
  const mark = status === 'accepted' || status === 'duplicate' ? '✓' : '✗';
  const details = [httpStatus !== null ? String(httpStatus) : '', requestId ? `request id ${requestId}` : ''].filter(Boolean).join(', ');
  return `${mark} ${event} ${status}${user ? ` for ${user}` : ''}${details ? ` (${details})` : ''}${errors.map((error) => `\n    ${error.message}`).join('')}\n`;
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
