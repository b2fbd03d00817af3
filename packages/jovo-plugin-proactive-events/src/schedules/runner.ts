import { printable } from 'alexa-proactive-events/internal';
import type { Schedule } from './declaration';
import { nextRun } from './times';

/** The clock the runner waits on; tests give their own. */
export interface RunnerClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const SYSTEM_CLOCK: RunnerClock = {
  now: Date.now,
  setTimeout: (run, ms) => setTimeout(run, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/**
 * A timer waits at most this long before it looks at the clock again, so a machine that slept or had its clock set
 * runs what fell due as soon as it wakes (Node's timers cannot wait beyond 24.8 days anyway).
 */
const LONGEST_WAIT_MS = 60 * 60_000;

/** What the runner needs of a schedule: a name and its times. */
export type Timed = Pick<Schedule, 'name' | 'cron' | 'at' | 'timezone'>;

interface Entry<S extends Timed> {
  schedule: S;
  run: (schedule: S, scheduledTime: Date) => Promise<void>;
  timer?: unknown;
}

/**
 * Runs each schedule at its times while the skill runs (`npm start`, `npm run dev`): `run` gets the schedule and
 * the time it was due. A run that falls due while the previous one of the same schedule still runs waits for it;
 * a time missed while the skill was down is not caught up (EventBridge Scheduler runs them on AWS). Schedules
 * given later (`set`, a user's own) are kept under a key of their own and may be replaced or removed.
 */
export class ScheduleRunner<S extends Timed = Schedule> {
  readonly #entries = new Map<string, Entry<S>>();
  #stopped = false;

  constructor(
    private readonly schedules: readonly S[],
    private readonly run: (schedule: S, scheduledTime: Date) => Promise<void>,
    private readonly clock: RunnerClock = SYSTEM_CLOCK,
  ) {}

  /** Starts waiting for each schedule's next time; returns each schedule with that time (none: it has passed). */
  start(): Array<{ schedule: S; next: Date | undefined }> {
    return this.schedules.map((schedule) => ({ schedule, next: this.set(schedule.name, schedule, this.run) }));
  }

  /** Runs `schedule` under `key`, instead of what ran under it; returns its next time (none: it has passed). */
  set<T extends S>(key: string, schedule: T, run: (schedule: T, scheduledTime: Date) => Promise<void>): Date | undefined {
    this.delete(key);
    const next = nextRun(schedule, new Date(this.clock.now()));
    if (next && !this.#stopped) {
      const entry: Entry<S> = { schedule, run: run as Entry<S>['run'] };
      this.#entries.set(key, entry);
      this.#wait(key, entry, next);
    }
    return next;
  }

  /** Stops running what runs under `key` (a run under way finishes). */
  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry) this.clock.clearTimeout(entry.timer);
    this.#entries.delete(key);
  }

  /** What runs under `key`, if anything (a one-off that ran no longer does). */
  get(key: string): S | undefined {
    return this.#entries.get(key)?.schedule;
  }

  /** The keys of what runs, those starting with `prefix` if given. */
  keys(prefix = ''): string[] {
    return [...this.#entries.keys()].filter((key) => key.startsWith(prefix));
  }

  stop(): void {
    this.#stopped = true;
    for (const key of this.keys()) this.delete(key);
  }

  #wait(key: string, entry: Entry<S>, due: Date): void {
    // Stopped, replaced or removed meanwhile: what runs under the key now has its own timer.
    if (this.#stopped || this.#entries.get(key) !== entry) return;
    const wait = due.getTime() - this.clock.now();
    if (wait > 0) {
      entry.timer = this.clock.setTimeout(() => this.#wait(key, entry, due), Math.min(wait, LONGEST_WAIT_MS));
      return;
    }
    entry.timer = undefined;
    void entry
      .run(entry.schedule, due)
      .catch((error: Error) => console.error(printable(`Schedule ${entry.schedule.name} (${due.toISOString()}) failed: ${error.message}`)))
      .finally(() => {
        const next = nextRun(entry.schedule, due);
        if (next) this.#wait(key, entry, next);
        else if (this.#entries.get(key) === entry) this.#entries.delete(key);
      });
  }
}
