/**
 * The bound on what users' own schedules may send: a number of sends a minute for the whole skill, whatever its
 * users set up, so that their reminders cannot crowd out the requests of users who are talking to the skill.
 */
export interface SendBudget {
  /** True, and counted, when one more send fits in the minute of `now` (milliseconds since the epoch). */
  take(now: number): boolean | Promise<boolean>;
}

/** Sends users' own schedules may start in a minute, by default (`userScheduleSendsPerMinute`). */
export const DEFAULT_USER_SCHEDULE_SENDS_PER_MINUTE = 300;

/** The minute of `now`, as a number: the window a budget counts in. */
export function minuteOf(now: number): number {
  return Math.floor(now / 60_000);
}

/** A budget in this process's memory: the skill's bound where one process runs the schedules (`npm start`). */
export class MinuteBudget implements SendBudget {
  #minute = -1;
  #taken = 0;

  constructor(private readonly perMinute: number) {}

  take(now: number): boolean {
    const minute = minuteOf(now);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#taken = 0;
    }
    if (this.#taken >= this.perMinute) return false;
    this.#taken++;
    return true;
  }
}
