import type { Handler, Jovo } from 'jovo-framework';
import { NOTIFICATIONS_PERMISSION, type EventName } from 'alexa-proactive-events';
import { hiddenIntentHandlers, proactiveEvents, skillEventHandlers } from 'jovo-plugin-proactive-events';
import { FALLBACK_LOCALE, t } from './i18n';

/**
 * What a user can say to the skill, the hidden intents, and skill events (subscription changes, enable,
 * disable) under ON_EVENT. Add your own intents here, and to the models in models/.
 */
export const handlers: Handler = {
  // One per event (`WeatherAlertIntent`), reached only by signed triggers: no utterance leads to them.
  ...hiddenIntentHandlers,

  LAUNCH(this: Jovo) {
    this.ask(`${t(this, 'welcome')} ${overview(this)}`, t(this, 'howToEnable'));
  },

  NotificationsInfoIntent(this: Jovo) {
    this.ask(overview(this), t(this, 'whatNext'));
  },

  EnableNotificationsIntent(this: Jovo) {
    const proactive = proactiveEvents(this);
    if (proactive.subscriptions().length === proactive.publishedEvents.length) {
      return this.tell(t(this, 'alreadyOn'));
    }
    // Alexa asks the user herself and answers with a Connections.Response (ON_PERMISSION below).
    this.$alexaSkill!.askForPermission(NOTIFICATIONS_PERMISSION, 'notifications');
  },

  /** The user's answer to the voice permission request; without one, a permissions card in the Alexa app. */
  ON_PERMISSION(this: Jovo) {
    const alexa = this.$alexaSkill!;
    if (alexa.hasPermissionAccepted()) return this.tell(t(this, 'permission.accepted'));
    if (alexa.hasPermissionDenied()) return this.tell(t(this, 'permission.denied'));
    if (!alexa.getPermissionIsCardThrown()) alexa.showAskForPermissionsCard([NOTIFICATIONS_PERMISSION]);
    this.tell(t(this, 'permission.card'));
  },

  // Subscription changes, enable and disable: the plugin keeps each user's subscriptions and region.
  ON_EVENT: { ...skillEventHandlers },

  HelpIntent(this: Jovo) {
    this.ask(t(this, 'help', { events: spokenEvents(this, proactiveEvents(this).publishedEvents) }), t(this, 'whatNext'));
  },

  END(this: Jovo) {
    // A SessionEndedRequest takes no speech; only "stop" and "cancel" are answered.
    if (this.$type.type !== 'END') this.tell(t(this, 'goodbye'));
  },

  Unhandled(this: Jovo) {
    this.ask(`${t(this, 'fallback')} ${t(this, 'howToEnable')}`, t(this, 'whatNext'));
  },
};

/** Maps Amazon's built-in intents onto the handlers above. */
export const intentMap = {
  'AMAZON.HelpIntent': 'HelpIntent',
  'AMAZON.StopIntent': 'END',
  'AMAZON.CancelIntent': 'END',
  'AMAZON.NavigateHomeIntent': 'LAUNCH',
  'AMAZON.FallbackIntent': 'Unhandled',
};

/** "I can notify you about …. You get …." with an invitation to turn them on while some are off. */
function overview(jovo: Jovo): string {
  const proactive = proactiveEvents(jovo);
  const published = proactive.publishedEvents;
  const subscribed = proactive.subscriptions();
  const parts = [t(jovo, 'offer', { events: spokenEvents(jovo, published) })];
  if (subscribed.length === 0) parts.push(t(jovo, 'status.none'), t(jovo, 'howToEnable'));
  else if (subscribed.length < published.length) {
    parts.push(t(jovo, 'status.some', { events: spokenEvents(jovo, subscribed) }), t(jovo, 'howToEnable'));
  } else parts.push(t(jovo, 'status.all'));
  return parts.join(' ');
}

/** The events as a spoken list in the request's language: "weather alerts, new messages and game invitations". */
function spokenEvents(jovo: Jovo, names: readonly EventName[]): string {
  // The key is the middle of the event's name; the cast only names the form every event name has, and `t` checks
  // that every locale has words for every event.
  const words = names.map((name) => t(jovo, `events.${name.split('.')[1]}` as EventWordsKey));
  return listFormat(jovo.$request?.getLocale()).format(words);
}

/** The key of an event's words: `events.WeatherAlert` for AMAZON.WeatherAlert.Activated. */
type EventWordsKey = `events.${EventName extends `AMAZON.${infer Type}.${string}` ? Type : never}`;

/**
 * Intl's list format for `locale`, or for the fallback locale when Intl takes it for no locale at all: the doors
 * refuse such a request, but a request that reaches the app another way (Jovo's test suite, another host) is
 * answered rather than failed.
 */
function listFormat(locale: string | undefined): Intl.ListFormat {
  const options: Intl.ListFormatOptions = { style: 'long', type: 'conjunction' };
  try {
    return new Intl.ListFormat(locale ?? FALLBACK_LOCALE, options);
  } catch {
    return new Intl.ListFormat(FALLBACK_LOCALE, options);
  }
}
