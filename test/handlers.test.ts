import { EVENT_NAMES, NOTIFICATIONS_PERMISSION } from 'alexa-proactive-events';
import { createApp } from '../src/skill/app';
import { inProcessSkill, permissionResponse, subscriptionChanged } from './helpers/plugin';
import { testSettings } from './helpers/settings';

const skill = inProcessSkill(createApp(testSettings()));
afterAll(() => skill.close());

// app.json publishes all eight events.
const ALL_EVENTS_EN =
  'weather alerts, sports score updates, new messages, order updates, booking confirmations, trash collection days, new releases, and game invitations';
const ALL_EVENTS_DE =
  'Unwetterwarnungen, Spielstände, neue Nachrichten, den Stand deiner Bestellungen, Buchungsbestätigungen, Abfuhrtage, Neuerscheinungen und Spieleinladungen';

describe('launch', () => {
  it('welcomes a new user in English, names every published event and offers to turn notifications on', async () => {
    const response = await skill.user('en-US').send(await skill.builder.launch());
    expect(response.isAsk()).toBe(true);
    expect(response.getSpeechPlain()).toBe(
      `Welcome to Proactive Alerts. I can notify you about ${ALL_EVENTS_EN}. ` +
        `You haven't turned notifications on yet. To get them, say "turn on notifications".`,
    );
  });

  it('welcomes a new user in German', async () => {
    const response = await skill.user('de-DE').send(await skill.builder.launch());
    expect(response.getSpeechPlain()).toBe(
      `Willkommen bei Proaktive Hinweise. Ich kann dich über ${ALL_EVENTS_DE} benachrichtigen. ` +
        `Du hast die Benachrichtigungen noch nicht eingeschaltet. Sag "schalte Benachrichtigungen ein", um sie zu bekommen.`,
    );
  });
});

describe('NotificationsInfoIntent', () => {
  it('tells an English user which notifications they get once they subscribed to some', async () => {
    const user = skill.user('en-US');
    await user.send(
      subscriptionChanged({ userId: user.userId, events: ['AMAZON.SocialGameInvite.Available', 'AMAZON.WeatherAlert.Activated'] }),
    );
    const response = await user.intent('NotificationsInfoIntent');
    expect(response.isAsk()).toBe(true);
    // Listed in app.json's order, whatever order Amazon reported them in.
    expect(response.getSpeechPlain()).toBe(
      `I can notify you about ${ALL_EVENTS_EN}. You get weather alerts and game invitations. To get them, say "turn on notifications".`,
    );
  });

  it('tells a German user they get all notifications', async () => {
    const user = skill.user('de-DE');
    await user.send(
      subscriptionChanged({
        userId: user.userId,
        events: [...EVENT_NAMES],
      }),
    );
    const response = await user.intent('NotificationsInfoIntent');
    expect(response.getSpeechPlain()).toBe(`Ich kann dich über ${ALL_EVENTS_DE} benachrichtigen. Du bekommst alle.`);
  });
});

describe('EnableNotificationsIntent', () => {
  it.each(['en-US', 'de-DE'])('asks Alexa for the notifications permission by voice (%s)', async (locale) => {
    const response = await skill.user(locale).intent('EnableNotificationsIntent');
    expect(response.getDirectives()).toEqual([
      {
        type: 'Connections.SendRequest',
        name: 'AskFor',
        payload: { '@type': 'AskForPermissionsConsentRequest', '@version': '1', permissionScope: NOTIFICATIONS_PERMISSION },
        token: 'notifications',
      },
    ]);
    // Alexa takes over the conversation: the skill must neither speak nor end the session.
    expect(response.getSpeech()).toBeUndefined();
    expect(response.response).not.toHaveProperty('shouldEndSession');
  });

  it('says notifications are already on when the user has every published event', async () => {
    const user = skill.user('en-US');
    await user.send(subscriptionChanged({ userId: user.userId, events: [...EVENT_NAMES] }));
    const response = await user.intent('EnableNotificationsIntent');
    expect(response.getDirectives()).toBeUndefined();
    expect(response.isTell('Your notifications are already on. You can choose which ones you get in the Alexa app, under Notifications.')).toBe(true);
  });
});

describe('the answer to the voice permission request', () => {
  it('thanks the user who accepted', async () => {
    const user = skill.user('en-US');
    const response = await user.send(permissionResponse({ userId: user.userId, status: 'ACCEPTED' }));
    expect(response.getSpeechPlain()).toMatch(/^Thanks, notifications are on\./);
    expect(response.hasSessionEnded()).toBe(true);
    expect(response.getCard()).toBeUndefined();
  });

  it('accepts a refusal without sending a card', async () => {
    const user = skill.user('de-DE');
    const response = await user.send(permissionResponse({ userId: user.userId, status: 'DENIED', locale: 'de-DE' }));
    expect(response.getSpeechPlain()).toMatch(/^Okay, keine Benachrichtigungen\./);
    expect(response.getCard()).toBeUndefined();
  });

  it('falls back to a permissions card when the user did not answer and Alexa sent none', async () => {
    const user = skill.user('en-US');
    const response = await user.send(permissionResponse({ userId: user.userId, status: 'NOT_ANSWERED', isCardThrown: false }));
    expect(response.getCard()).toEqual({ type: 'AskForPermissionsConsent', permissions: [NOTIFICATIONS_PERMISSION] });
    expect(response.getSpeechPlain()).toMatch(/card to the Alexa app/);
  });

  it('sends no second card when Alexa already sent one', async () => {
    const user = skill.user('en-US');
    const response = await user.send(permissionResponse({ userId: user.userId, status: 'NOT_ANSWERED', isCardThrown: true }));
    expect(response.getCard()).toBeUndefined();
    expect(response.getSpeechPlain()).toMatch(/card to the Alexa app/);
  });
});

describe('help, stop, cancel and fallback', () => {
  it('explains the skill on AMAZON.HelpIntent in both languages', async () => {
    const en = await skill.user('en-US').intent('AMAZON.HelpIntent');
    expect(en.isAsk()).toBe(true);
    expect(en.getSpeechPlain()).toBe(
      `I send Alexa notifications about ${ALL_EVENTS_EN}. Say "turn on notifications" to get them, or ask "what notifications do you send".`,
    );
    const de = await skill.user('de-DE').intent('AMAZON.HelpIntent');
    expect(de.getSpeechPlain()).toMatch(/^Ich schicke dir Alexa-Benachrichtigungen über Unwetterwarnungen,/);
  });

  it('explains the skill in English when the request reached it with a locale that is no locale at all', async () => {
    // The doors refuse such a request; an app served another way still answers it rather than fail.
    const response = await skill.user('en\nUS').intent('AMAZON.HelpIntent');
    expect(response.getSpeechPlain()).toBe(
      `I send Alexa notifications about ${ALL_EVENTS_EN}. Say "turn on notifications" to get them, or ask "what notifications do you send".`,
    );
  });

  it.each(['AMAZON.StopIntent', 'AMAZON.CancelIntent'])('says goodbye and ends the session on %s', async (intent) => {
    const response = await skill.user('en-US').intent(intent);
    expect(response.isTell('Goodbye.')).toBe(true);
    const german = await skill.user('de-DE').intent(intent);
    expect(german.isTell('Tschüss.')).toBe(true);
  });

  it('answers AMAZON.FallbackIntent with what the user can say', async () => {
    const response = await skill.user('en-US').intent('AMAZON.FallbackIntent');
    expect(response.isAsk(`Sorry, I can't help with that. To get them, say "turn on notifications".`)).toBe(true);
  });

  it('does not speak on a SessionEndedRequest', async () => {
    const response = await skill.user('en-US').send(await skill.builder.end());
    expect(response.getSpeech()).toBeUndefined();
  });
});

