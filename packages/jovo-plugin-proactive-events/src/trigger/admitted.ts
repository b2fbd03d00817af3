import type { VerifiedTrigger } from 'alexa-proactive-events/trigger';

/**
 * A trigger let in to the app, travelling with its request: on the Jovo host that carries the request (the
 * webhook's host, the Lambda entry's, a scheduled run's in-process host). A door verifies a trigger once and makes
 * the host with it; the plugin reads it from the host it handles and never verifies it again. Only the code that
 * makes a host sets it: nothing a request body holds can.
 */
export interface AdmittedTrigger {
  readonly trigger: VerifiedTrigger;
  /**
   * `door`: verified at one of the plugin's doors. `schedule`: a scheduled run's, made in this process from the
   * app's own declaration, which crossed no network (nobody can replay it) and is summed up by its run.
   */
  readonly via: 'door' | 'schedule';
  /**
   * Milliseconds since the epoch by which the answer must be under way: a trigger to every subscriber sent in this
   * process stops there and says how far it came (the Lambda invocation's end, or the trigger script's patience).
   */
  readonly deadline?: number;
}

/**
 * How long a webhook gives a trigger before its answer must be under way: well within the trigger script's 90 s
 * wait, so that the script hears how far a long fan-out came instead of timing out and sending it again.
 */
export const TRIGGER_ANSWER_MS = 60_000;

/** A Jovo host that carries the trigger admitted with its request. */
export interface TriggerCarrier {
  readonly admittedTrigger?: AdmittedTrigger;
  getRequestObject(): unknown;
}

/**
 * The trigger admitted with the request that `host` carries, if any. It must be that very request: a host whose
 * request object was swapped after the door (by a middleware, say) carries no trigger.
 */
export function admittedTrigger(host: TriggerCarrier | undefined): AdmittedTrigger | undefined {
  const admitted = host?.admittedTrigger;
  return admitted && host.getRequestObject() === admitted.trigger.request ? admitted : undefined;
}
