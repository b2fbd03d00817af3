/** Trouble the emulator makes on purpose, so that retries can be seen and tested. */
export interface FaultOptions {
  /** Share (0 to 1) of event requests answered with one of `statuses` instead of being handled. */
  rate?: number;
  /** The fault statuses to choose from; default 429, 500 and 503. */
  statuses?: readonly number[];
  /** Answers for the next event requests, in order, before `rate` applies: a status, or 'drop' to close the connection. */
  script?: ReadonlyArray<number | 'drop'>;
  /** `Retry-After` seconds sent with a 429; default 1. */
  retryAfterSeconds?: number;
  /** Added before every answer of the events API, in milliseconds. */
  latencyMs?: number;
  /** Share (0 to 1) of event requests whose connection is closed without an answer. */
  dropRate?: number;
  /** Seed of the random choices, so a run can be repeated exactly. */
  seed?: number;
}

export type Fault = { kind: 'none' } | { kind: 'drop' } | { kind: 'status'; status: number };

/** Decides the fault for each event request, deterministically for a given seed. */
export class FaultPlan {
  readonly #options: FaultOptions;
  readonly #script: Array<number | 'drop'>;
  readonly #random: () => number;

  constructor(options: FaultOptions = {}) {
    this.#options = options;
    this.#script = [...(options.script ?? [])];
    this.#random = mulberry32(options.seed ?? 1);
  }

  get latencyMs(): number {
    return this.#options.latencyMs ?? 0;
  }

  get retryAfterSeconds(): number {
    return this.#options.retryAfterSeconds ?? 1;
  }

  next(): Fault {
    const scripted = this.#script.shift();
    if (scripted === 'drop') return { kind: 'drop' };
    if (scripted !== undefined) return scripted >= 200 && scripted < 300 ? { kind: 'none' } : { kind: 'status', status: scripted };
    if (this.#random() < (this.#options.dropRate ?? 0)) return { kind: 'drop' };
    if (this.#random() < (this.#options.rate ?? 0)) {
      const statuses = this.#options.statuses?.length ? this.#options.statuses : [429, 500, 503];
      return { kind: 'status', status: statuses[Math.floor(this.#random() * statuses.length)] };
    }
    return { kind: 'none' };
  }
}

/** A small seeded generator (mulberry32): the same seed gives the same faults. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
