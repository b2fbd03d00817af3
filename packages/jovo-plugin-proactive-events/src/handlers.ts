import type { Handler, Jovo } from 'jovo-framework';
import { EVENT_NAMES, ProactiveEventsError } from 'alexa-proactive-events';
import { hiddenIntentName } from 'alexa-proactive-events/trigger';
import type { PluginErrorCode } from './errors';
import type { ProactiveEventsContext } from './plugin/context';

/**
 * The hidden intents, one per event (`WeatherAlertIntent` sends AMAZON.WeatherAlert.Activated), to spread into
 * the app's handler: `app.setHandler({ ...hiddenIntentHandlers, ... })`. They are not in the language model, so
 * nothing a user says reaches them; a trigger signed with the skill's secret does, once the door has verified it.
 */
export const hiddenIntentHandlers: Handler = Object.fromEntries(
  EVENT_NAMES.map((name) => [
    hiddenIntentName(name),
    async function (this: Jovo) {
      await proactiveEvents(this).sendTriggered();
    },
  ]),
);

/**
 * Alexa's skill events that keep each user's subscriptions (and region) current, for the app's `ON_EVENT`:
 * `ON_EVENT: { ...skillEventHandlers }`. The manifest must subscribe to them (SKILL_PROACTIVE_SUBSCRIPTION_CHANGED,
 * SKILL_ENABLED, SKILL_DISABLED).
 * @see https://developer.amazon.com/docs/smapi/skill-events-in-alexa-skills.html
 */
export const skillEventHandlers: Handler = {
  'AlexaSkillEvent.ProactiveSubscriptionChanged'(this: Jovo) {
    proactiveEvents(this).recordSkillEvent();
  },
  'AlexaSkillEvent.SkillEnabled'(this: Jovo) {
    proactiveEvents(this).recordSkillEvent();
  },
  async 'AlexaSkillEvent.SkillDisabled'(this: Jovo) {
    const context = proactiveEvents(this);
    // Disabling deletes the user's data, their own schedules with it: on AWS too.
    if (context.recordSkillEvent()) await context.forgetDisabledUser();
  },
};

/** `this.$proactiveEvents` of a handler, or an error saying how to get it. */
export function proactiveEvents(jovo: Jovo): ProactiveEventsContext {
  if (!jovo.$proactiveEvents) throw new ProactiveEventsError<PluginErrorCode>('ERR_NO_PLUGIN', 'this.$proactiveEvents is missing: app.use(new ProactiveEvents({ events, ... })) after the Alexa platform');
  return jovo.$proactiveEvents;
}
