import { createHash } from 'crypto';

/** Trouble the emulator makes on purpose, so that retries can be seen and tested. */
export interface FaultOptions {
  /** Share (0 to 1) of event requests answered with one of `statuses` instead of being handled. @default 0 */
  rate?: number;
  /** The fault statuses to choose from. @default [429, 500, 503] */
  statuses?: readonly number[];
  /**
   * Answers for the next event requests, in order, before `rate` applies: a status, or 'drop' to close the connection.
   * @default []
   */
  script?: ReadonlyArray<number | 'drop'>;
  /** `Retry-After` seconds sent with a 429. @default 1 */
  retryAfterSeconds?: number;
  /** Added before every answer of the events API, in milliseconds. @default 0 */
  latencyMs?: number;
  /** Share (0 to 1) of event requests whose connection is closed without an answer. @default 0 */
  dropRate?: number;
  /**
   * Seed of the random choices. A request's fault depends only on the seed, the event (referenceId and audience)
   * and how often that event was sent before, not on the order requests arrive in: the same seed and the same
   * events give the same faults, however concurrent the sender.
   * @default 1
   */
  seed?: number;
}

export type Fault = { kind: 'none' } | { kind: 'drop' } | { kind: 'status'; status: number };

/** Decides the fault for each event request, deterministically for a given seed. */
export class FaultPlan {
  readonly #options: FaultOptions;
  readonly #script: Array<number | 'drop'>;
  readonly #attempts = new Map<string, number>();

  constructor(options: FaultOptions = {}) {
    this.#options = options;
    this.#script = [...(options.script ?? [])];
  }

  get latencyMs(): number {
    return this.#options.latencyMs ?? 0;
  }

  get retryAfterSeconds(): number {
    return this.#options.retryAfterSeconds ?? 1;
  }

  /** The fault for the next request carrying `body` (the script first, in arrival order). */
  next(body: unknown): Fault {
    const scripted = this.#script.shift();
    if (scripted === 'drop') return { kind: 'drop' };
    if (scripted !== undefined) return scripted >= 200 && scripted < 300 ? { kind: 'none' } : { kind: 'status', status: scripted };
    if (!this.#options.rate && !this.#options.dropRate) return { kind: 'none' };
    const key = eventKey(body);
    const attempt = (this.#attempts.get(key) ?? 0) + 1;
    this.#attempts.set(key, attempt);
    const [drop, fault, which] = uniforms(`${this.#options.seed ?? 1}|${key}|${attempt}`);
    if (drop < (this.#options.dropRate ?? 0)) return { kind: 'drop' };
    if (fault < (this.#options.rate ?? 0)) {
      const statuses = this.#options.statuses?.length ? this.#options.statuses : [429, 500, 503];
      return { kind: 'status', status: statuses[Math.floor(which * statuses.length)] };
    }
    return { kind: 'none' };
  }
}

/** What makes resends of one event one event: its referenceId and audience. */
function eventKey(body: unknown): string {
  const { referenceId, relevantAudience } = (body ?? {}) as { referenceId?: unknown; relevantAudience?: { payload?: { user?: unknown } } };
  return JSON.stringify([referenceId, relevantAudience?.payload?.user ?? 'Multicast']);
}

/** Three numbers in [0, 1) drawn from `text`: the same text, the same numbers. */
function uniforms(text: string): [number, number, number] {
  const digest = createHash('sha256').update(text).digest();
  return [0, 4, 8].map((offset) => digest.readUInt32BE(offset) / 2 ** 32) as [number, number, number];
}
