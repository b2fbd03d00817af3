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

/**
 * Runs each schedule at its times while the skill runs (`npm start`, `npm run dev`): `run` gets the schedule and
 * the time it was due. A run that falls due while the previous one of the same schedule still runs waits for it;
 * a time missed while the skill was down is not caught up (EventBridge Scheduler runs them on AWS).
 */
export class ScheduleRunner {
  readonly #timers = new Map<string, unknown>();
  #stopped = false;

  constructor(
    private readonly schedules: readonly Schedule[],
    private readonly run: (schedule: Schedule, scheduledTime: Date) => Promise<void>,
    private readonly clock: RunnerClock = SYSTEM_CLOCK,
  ) {}

  /** Starts waiting for each schedule's next time; returns each schedule with that time (none: it has passed). */
  start(): Array<{ schedule: Schedule; next: Date | undefined }> {
    const now = new Date(this.clock.now());
    return this.schedules.map((schedule) => {
      const next = nextRun(schedule, now);
      if (next) this.#wait(schedule, next);
      return { schedule, next };
    });
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) this.clock.clearTimeout(timer);
    this.#timers.clear();
  }

  #wait(schedule: Schedule, due: Date): void {
    if (this.#stopped) return;
    const wait = due.getTime() - this.clock.now();
    if (wait > 0) {
      this.#timers.set(schedule.name, this.clock.setTimeout(() => this.#wait(schedule, due), Math.min(wait, LONGEST_WAIT_MS)));
      return;
    }
    this.#timers.delete(schedule.name);
    void this.run(schedule, due)
      .catch((error: Error) => console.error(`Schedule ${schedule.name} (${due.toISOString()}) failed: ${error.message}`))
      .finally(() => {
        const next = nextRun(schedule, due);
        if (next) this.#wait(schedule, next);
      });
  }
}
