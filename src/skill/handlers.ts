import type { Handler, Jovo } from 'jovo-framework';
import { NOTIFICATIONS_PERMISSION, type EventName } from 'alexa-proactive-events';
import { hiddenIntentHandlers, proactiveEvents, skillEventHandlers } from 'jovo-plugin-proactive-events';
import { FALLBACK_LOCALE } from './i18n';

/**
 * What a user can say to the skill, the hidden intents, and skill events (subscription changes, enable,
 * disable) under ON_EVENT. Add your own intents here, and to the models in models/.
 */
export const handlers: Handler = {
  // One per event (`WeatherAlertIntent`), reached only by signed triggers: no utterance leads to them.
  ...hiddenIntentHandlers,

  LAUNCH(this: Jovo) {
    this.ask(`${this.t('welcome')} ${overview(this)}`, this.t('howToEnable'));
  },

  NotificationsInfoIntent(this: Jovo) {
    this.ask(overview(this), this.t('whatNext'));
  },

  EnableNotificationsIntent(this: Jovo) {
    const proactive = proactiveEvents(this);
    if (proactive.subscriptions().length === proactive.publishedEvents.length) {
      return this.tell(this.t('alreadyOn'));
    }
    // Alexa asks the user herself and answers with a Connections.Response (ON_PERMISSION below).
    this.$alexaSkill!.askForPermission(NOTIFICATIONS_PERMISSION, 'notifications');
  },

  /** The user's answer to the voice permission request; without one, a permissions card in the Alexa app. */
  ON_PERMISSION(this: Jovo) {
    const alexa = this.$alexaSkill!;
    if (alexa.hasPermissionAccepted()) return this.tell(this.t('permission.accepted'));
    if (alexa.hasPermissionDenied()) return this.tell(this.t('permission.denied'));
    if (!alexa.getPermissionIsCardThrown()) alexa.showAskForPermissionsCard([NOTIFICATIONS_PERMISSION]);
    this.tell(this.t('permission.card'));
  },

  // Subscription changes, enable and disable: the plugin keeps each user's subscriptions and region.
  ON_EVENT: { ...skillEventHandlers },

  HelpIntent(this: Jovo) {
    this.ask(this.t('help', { events: spokenEvents(this, proactiveEvents(this).publishedEvents) }), this.t('whatNext'));
  },

  END(this: Jovo) {
    // A SessionEndedRequest takes no speech; only "stop" and "cancel" are answered.
    if (this.$type.type !== 'END') this.tell(this.t('goodbye'));
  },

  Unhandled(this: Jovo) {
    this.ask(`${this.t('fallback')} ${this.t('howToEnable')}`, this.t('whatNext'));
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
  const parts = [jovo.t('offer', { events: spokenEvents(jovo, published) })];
  if (subscribed.length === 0) parts.push(jovo.t('status.none'), jovo.t('howToEnable'));
  else if (subscribed.length < published.length) {
    parts.push(jovo.t('status.some', { events: spokenEvents(jovo, subscribed) }), jovo.t('howToEnable'));
  } else parts.push(jovo.t('status.all'));
  return parts.join(' ');
}

/** The events as a spoken list in the request's language: "weather alerts, new messages and game invitations". */
function spokenEvents(jovo: Jovo, names: readonly EventName[]): string {
  // The text key is the middle of the event's name: `events.WeatherAlert` for AMAZON.WeatherAlert.Activated.
  const words = names.map((name) => String(jovo.t(`events.${name.split('.')[1]}`)));
  return listFormat(jovo.$request?.getLocale()).format(words);
}

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
