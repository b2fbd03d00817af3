import type { Handler, Jovo } from 'jovo-framework';
import { EVENT_NAMES, NOTIFICATIONS_PERMISSION, eventType, hiddenIntentName, spokenList, type EventName } from './proactive';
import type { ProactiveEventsContext } from './plugin';
import { FALLBACK_LOCALE } from './i18n';

/**
 * The hidden intents, one per event (`WeatherAlertIntent` sends AMAZON.WeatherAlert.Activated). They are not in
 * the language model, so nothing a user says reaches them; a trigger script posts a signed request naming one,
 * and the plugin checks the signature before anything is sent.
 */
const hiddenIntents: Handler = Object.fromEntries(
  EVENT_NAMES.map((name) => [
    hiddenIntentName(name),
    async function (this: Jovo) {
      await proactiveEvents(this).sendTriggered(name);
    },
  ]),
);

/**
 * What a user can say to the skill, the hidden intents, and skill events (subscription changes, enable,
 * disable) under ON_EVENT.
 */
export const handlers: Handler = {
  ...hiddenIntents,

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

  ON_EVENT: {
    'AlexaSkillEvent.ProactiveSubscriptionChanged'(this: Jovo) {
      proactiveEvents(this).recordSkillEvent();
    },
    'AlexaSkillEvent.SkillEnabled'(this: Jovo) {
      proactiveEvents(this).recordSkillEvent();
    },
    'AlexaSkillEvent.SkillDisabled'(this: Jovo) {
      proactiveEvents(this).recordSkillEvent();
    },
  },

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
  const locale = jovo.$request?.getLocale() ?? FALLBACK_LOCALE;
  return spokenList(names.map((name) => String(jovo.t(`events.${eventType(name)}`))), locale);
}

function proactiveEvents(jovo: Jovo): ProactiveEventsContext {
  if (!jovo.$proactiveEvents) throw new Error('this.$proactiveEvents is missing: app.use(new ProactiveEvents(...))');
  return jovo.$proactiveEvents;
}
