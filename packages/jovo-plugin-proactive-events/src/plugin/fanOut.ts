import { type SendResult } from 'alexa-proactive-events';
import { checkReplay, eventOfHiddenIntent, type TriggerData } from 'alexa-proactive-events/trigger';
import { refusedResult, summaryRecord } from 'alexa-proactive-events/internal';
import type { AdmittedTrigger } from '../trigger/admitted';
import type { CheckReport } from '../trigger/check';
import type { FanOutResult } from '../schedules/run';
import { checkTriggeredEvent } from './checkTrigger';
import { mapConcurrently } from './pool';
import { sendEvent, unicastEvent, unpublishedResult, type UncheckedEvent } from './sending';
import type { PluginServices } from './services';

/** Sends to the users of one trigger this many at a time (a fan-out has several triggers under way). */
const SENDS_PER_TRIGGER = 8;

/** What a trigger came to, under the name its answer gives: a result per user (one for a Multicast), or a check's report. */
export type TriggerOutcome = { name: string; results: SendResult[] } | { name: string; report: CheckReport } | { name: string; fanOut: FanOutResult };

/** What of the Alexa request a trigger came in as `answerTrigger` reads: its intent's name and its locale. */
export interface TriggerRequest {
  intent: string | undefined;
  locale: string | undefined;
}

/**
 * What a hidden intent does with the trigger `admitted` with its `request`: sends its event to every subscriber, or
 * to each of its users (`SENDS_PER_TRIGGER` at once, each in their stored region, skipping one not subscribed);
 * answers a check trigger with its report; or refuses, sending nothing, when the request is no admitted trigger or
 * its id was used before.
 */
export async function answerTrigger(request: TriggerRequest, plugin: PluginServices, admitted: AdmittedTrigger | undefined): Promise<TriggerOutcome> {
  const trigger = admitted?.trigger;
  if (!trigger) {
    const intent = request.intent ?? 'the hidden intent';
    const reason = 'no signed trigger came in with this request (the plugin\'s doors, createWebhook and createLambdaHandler, verify them); nothing was sent';
    return { name: intent, results: [refusedResult(eventOfHiddenIntent(intent) ?? null, null, `Trigger refused: ${reason}`)] };
  }
  const { event: name, data, requestId, apiEndpoint } = trigger;
  // A scheduled run crossed no network, so nobody can replay it; a second delivery of the same run is kept from
  // notifying twice by its referenceId, which Amazon answers as a duplicate.
  const scheduled = admitted.via === 'schedule';
  const replayed = scheduled ? undefined : await checkReplay(plugin.replays(), requestId, plugin.now());
  if (replayed) return { name, results: [refusedResult(name, data.referenceId, `Trigger refused: ${replayed}`)] };
  const event = { name, payload: data.event.payload };
  if (data.check) return { name, report: await checkTriggeredEvent(plugin, event, data, apiEndpoint) };
  const unpublished = unpublishedResult(plugin, name, data.referenceId);
  if (unpublished) return { name, results: data.users ? data.users.map((user) => ({ ...unpublished, user })) : [unpublished] };
  if (data.toSubscribers) {
    const locale = request.locale ?? 'en-US';
    const deadline = admitted.deadline;
    const fanOut = await plugin.reachSubscribers({ kind: 'trigger', name: trigger.intent, data, apiEndpoint, locale, ...(deadline !== undefined && { deadline }) });
    plugin.summarize(fanOut.record);
    return { name, fanOut };
  }
  if (!data.users) return { name, results: [await sendEvent(plugin, event, { ...data, apiEndpoint })] };
  const startedAt = performance.now();
  const send = unicastEvent(plugin, event, data);
  const results = await mapConcurrently(data.users, SENDS_PER_TRIGGER, (user) => sendToUser(plugin, send, event, user, data, apiEndpoint));
  // A scheduled run's batches are summed up once, by the run.
  if (!scheduled) plugin.summarize(summaryRecord('trigger', trigger.intent, results, performance.now() - startedAt));
  return { name, results };
}

/** Unicast to one user of a trigger: to their stored region unless the trigger named one; skipped if not subscribed. */
async function sendToUser(
  plugin: PluginServices,
  send: (user: string, apiEndpoint: string) => Promise<SendResult>,
  event: UncheckedEvent,
  user: string,
  data: TriggerData,
  apiEndpoint: string,
): Promise<SendResult> {
  const stored = await plugin.readSubscriber(user);
  if (stored?.subscriptions && !stored.subscriptions.includes(event.name)) {
    const now = stored.subscriptions.length > 0 ? stored.subscriptions.join(', ') : 'none';
    // The result names the user; its messages never do, since a log line may carry them.
    const reason = `the user is not subscribed to ${event.name} (subscriptions as of ${stored.updatedAt}: ${now}); nothing was sent`;
    return { ...refusedResult(event.name, data.referenceId, reason), status: 'skipped', user };
  }
  const endpoint = !data.explicitEndpoint && stored?.apiEndpoint ? stored.apiEndpoint : apiEndpoint;
  const result = await send(user, endpoint);
  if (data.explicitEndpoint || stored?.apiEndpoint) return result;
  // Amazon's NA host, the trigger's default, may not be this user's region: say so, above all when it fails.
  const unknown = `no region is stored for the user (the skill has not heard from them), so the event went to ${apiEndpoint}, the trigger's; --region or --api-endpoint chooses`;
  return { ...result, warnings: [...result.warnings, { path: 'user', message: unknown }] };
}
