import { buildRequest, validateRequest } from 'alexa-proactive-events';
import { type TriggerData } from 'alexa-proactive-events/trigger';
import { originOf } from 'alexa-proactive-events/internal';
import type { CheckReport } from '../trigger/check';
import type { UncheckedEvent } from './sending';
import type { PluginServices } from './services';

/**
 * A check trigger's answer (`doctor`): the event built and checked as a send would check it, a token got, the
 * skill's origins, stage and subscriber counts. Nothing is sent, and no user id is told.
 */
export async function checkTriggeredEvent(plugin: PluginServices, event: UncheckedEvent, data: TriggerData, apiEndpoint: string): Promise<CheckReport> {
  const sender = plugin.sender;
  const body = buildRequest({
    event,
    localizedAttributes: data.localizedAttributes,
    referenceId: data.referenceId,
    expiresInMinutes: data.expiresInMinutes ?? plugin.expiresInMinutes,
    now: () => new Date(plugin.now()),
  });
  let checked: Omit<CheckReport, 'event' | 'origins' | 'publishedEvents' | 'subscribers' | 'subscribersProblem' | 'fanOut'>;
  if (sender) {
    checked = await sender.check(body, { apiEndpoint, stage: data.stage });
  } else {
    // No credentials: `token: null` says so; the event is still checked.
    const validation = validateRequest(body, { publishedEvents: plugin.events, now: plugin.now() });
    checked = { errors: validation.ok ? [] : validation.issues, warnings: validation.warnings, origin: originOf(apiEndpoint) ?? null, stage: null, token: null };
  }
  let subscribers: CheckReport['subscribers'] = null;
  let subscribersProblem: string | null = null;
  try {
    subscribers = (await plugin.countSubscribers()) ?? null;
    if (!subscribers) subscribersProblem = "the app's database keeps no subscriber index (SerialFileDb and DynamoDb do)";
  } catch (error) {
    subscribersProblem = `the app's database could not be read: ${(error as Error).message}`;
  }
  let fanOut: CheckReport['fanOut'];
  if (plugin.fanOutQueue) {
    try {
      fanOut = { ...(await plugin.fanOutQueue.depth()), problem: null };
    } catch (error) {
      fanOut = { waiting: null, deadLettered: null, problem: `the fan-out queue could not be read: ${(error as Error).message}` };
    }
  }
  return { event: event.name, ...checked, origins: [...(sender?.origins ?? [])], publishedEvents: [...plugin.events], subscribers, subscribersProblem, ...(fanOut && { fanOut }) };
}
