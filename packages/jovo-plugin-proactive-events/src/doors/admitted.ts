import type { VerifiedTrigger } from 'alexa-proactive-events';

/**
 * The triggers a door admitted, by the request body it handed to Jovo: the one place where "is this a trigger?"
 * is answered. A door verifies a trigger once (`verifyTrigger`) and hands it on here; the plugin reads it from the
 * body Jovo's host holds, and never verifies it again. A request that did not pass a door has no admitted trigger.
 */
const admitted = new WeakMap<object, VerifiedTrigger>();

/** The body the door hands to Jovo for a verified trigger: the trigger's request of its signed parts alone. */
export function handOn(trigger: VerifiedTrigger): object {
  admitted.set(trigger.request, trigger);
  return trigger.request;
}

/** The triggers of scheduled runs (`runSchedule`), which no door saw: such a run has a summary of its own. */
const scheduled = new WeakSet<VerifiedTrigger>();

/** `handOn` for a scheduled run's trigger. */
export function handOnScheduled(trigger: VerifiedTrigger): object {
  scheduled.add(trigger);
  return handOn(trigger);
}

/** Whether `trigger` is a scheduled run's. */
export function isScheduledRun(trigger: VerifiedTrigger): boolean {
  return scheduled.has(trigger);
}

/** The trigger a door admitted with this body, if it did. */
export function admittedTrigger(body: unknown): VerifiedTrigger | undefined {
  return body !== null && typeof body === 'object' ? admitted.get(body) : undefined;
}
