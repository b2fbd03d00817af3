import type { Jovo } from 'jovo-framework';
import { Log } from 'jovo-core';
import type { AlexaRequest } from 'jovo-platform-alexa';
import { applySubscriberChange, subscribedEventNames, type SubscriberChange } from 'alexa-proactive-events';
import { storedUserSchedules } from '../schedules/users';
import { STATE_KEY, parseState } from '../stores/subscribers';
import type { UserData } from './changes';
import { warnUndeleted } from './ownSchedules';
import type { PluginServices } from './services';

/**
 * The change this request's skill event makes to its user's state: `AlexaSkillEvent.ProactiveSubscriptionChanged`,
 * `SkillEnabled` or `SkillDisabled`; undefined for a subscription change whose body is malformed (logged, ignored).
 * Throws for a request that is no such skill event: a handler called it for the wrong request.
 * @see https://developer.amazon.com/docs/smapi/skill-events-in-alexa-skills.html
 */
export function skillEventChange(jovo: Jovo): SubscriberChange | undefined {
  const request = jovo.$request as AlexaRequest;
  const type = request.request?.type;
  const timestamp = request.getTimestamp() as string;
  const where = { apiEndpoint: request.getApiEndpoint() as string | undefined, locale: request.request?.locale };
  if (type === 'AlexaSkillEvent.ProactiveSubscriptionChanged') {
    let events: string[];
    try {
      events = subscribedEventNames(jovo.$alexaSkill?.getSkillEventBody());
    } catch {
      Log.warn(`ProactiveEvents: ignored a subscription change whose body is not { subscriptions: [{ eventName }] }`);
      return undefined;
    }
    return { kind: 'subscriptionsChanged', timestamp, events, ...where };
  }
  if (type === 'AlexaSkillEvent.SkillEnabled') return { kind: 'skillEnabled', timestamp, ...where };
  if (type === 'AlexaSkillEvent.SkillDisabled') return { kind: 'skillDisabled', timestamp };
  throw new Error(`recordSkillEvent handles Alexa skill events, not ${type}`);
}

/**
 * Completes `disable`, a `SkillDisabled` the request applied: deletes the user's data in the app's database at once
 * (SerialFileDb, DynamoDb: in one step, so that what other requests of the user wrote meanwhile goes too), and
 * removes from EventBridge Scheduler every schedule of the user's that the database held then. `loadedData` is the
 * user's data as the request loaded it: all there is to go by without a store that changes a user in one step.
 */
export async function forgetUser(plugin: PluginServices, user: string, disable: SubscriberChange, loadedData: Record<string, unknown> | undefined): Promise<void> {
  const store = plugin.userStore();
  let wiped = store ? [] : Object.values(storedUserSchedules(loadedData));
  if (store) {
    await store.updateUser(user, plugin.columnName(), (column) => {
      const data = (column as UserData | undefined)?.data;
      const state = parseState(data?.[STATE_KEY]);
      const next = applySubscriberChange(state, disable);
      // Already wiped, or enabled again since this disable: nothing of now is this disable's to delete.
      const applies = next.disabledAt !== state?.disabledAt;
      wiped = applies ? Object.values(storedUserSchedules(data)) : [];
      return applies ? { data: { [STATE_KEY]: next } } : undefined;
    });
  }
  const remote = plugin.remoteUserSchedules;
  for (const { name } of remote ? wiped : []) {
    await remote!.delete(user, name).catch((error: Error) => warnUndeleted(user, name, error));
  }
}
