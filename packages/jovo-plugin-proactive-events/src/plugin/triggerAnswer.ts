import { SpeechBuilder } from 'jovo-core';
import type { SendResult, SummaryRecord } from 'alexa-proactive-events';
import { describeFanOut } from '../schedules/run';
import { CHECK_REPORT_KEY, type CheckReport } from '../trigger/check';
import { FAN_OUT_KEY } from '../trigger/fanOutAnswer';
import type { TriggerOutcome } from './fanOut';
import { logProblems } from './sendLog';

/** What the skill answers a trigger, whichever way it came through: what Alexa would say, and the script's results. */
export interface TriggerAnswer {
  /** The answer's speech, a line of counts: `AMAZON.WeatherAlert.Activated: 2 accepted.` */
  speech: string;
  /** One per user (one for a Multicast); for a fan-out, those that did not go well. None for a check. */
  results?: SendResult[];
  /** A trigger to subscribers: its summary (counts only). */
  fanOut?: SummaryRecord & { unfinished?: string };
  /** A check trigger's report. */
  checkReport?: CheckReport;
}

/** The answer to a trigger's outcome; a send that went wrong is logged here, one line for each way (`logProblems`). */
export function triggerAnswer(outcome: TriggerOutcome): TriggerAnswer {
  if ('results' in outcome) {
    logProblems(outcome.name, outcome.results);
    const counts = new Map<string, number>();
    for (const { status } of outcome.results) counts.set(status, (counts.get(status) ?? 0) + 1);
    return { speech: `${outcome.name}: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}.`, results: outcome.results };
  }
  if ('fanOut' in outcome) {
    const { record, problems, unfinished } = outcome.fanOut;
    return { speech: describeFanOut(outcome.name, outcome.fanOut), results: problems, fanOut: { ...record, ...(unfinished && { unfinished }) } };
  }
  return { speech: `${outcome.name}: checked, nothing sent.`, checkReport: outcome.report };
}

/**
 * Writes what the trigger script reads into an Alexa response: the results as `proactiveEvents`, a fan-out's
 * summary and a check's report beside them. The plugin does it to the response Jovo built, and the door to its own.
 */
export function addTriggerAnswer(response: Record<string, unknown>, { results, fanOut, checkReport }: Omit<TriggerAnswer, 'speech'>): void {
  if (results) response.proactiveEvents = results;
  if (fanOut) response[FAN_OUT_KEY] = fanOut;
  if (checkReport) response[CHECK_REPORT_KEY] = checkReport;
}

/**
 * The Alexa response Jovo's pipeline makes of a trigger's answer (the handler `tell`s the speech, and the plugin
 * adds what the script reads): for the doors, which answer a trigger without the pipeline where it would add nothing.
 */
export function alexaTriggerResponse(answer: TriggerAnswer): Record<string, unknown> {
  // As Jovo's Alexa platform writes a `tell`: the session ends, and the speech is SSML made by Jovo's own builder.
  const response: Record<string, unknown> = {
    version: '1.0',
    response: { shouldEndSession: true, outputSpeech: { type: 'SSML', ssml: SpeechBuilder.toSSML(answer.speech) } },
    sessionAttributes: {},
  };
  addTriggerAnswer(response, answer);
  return response;
}
