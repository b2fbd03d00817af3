/** English texts. Every locale has the same keys: one that another locale lacks fails the type check (index.ts). */
export const enUS = {
  translation: {
    /** How each event type is named in speech, by the middle part of its name (`WeatherAlert` of AMAZON.WeatherAlert.Activated). */
    events: {
      WeatherAlert: 'weather alerts',
      SportsEvent: 'sports score updates',
      MessageAlert: 'new messages',
      OrderStatus: 'order updates',
      Occasion: 'booking confirmations',
      TrashCollectionAlert: 'trash collection days',
      MediaContent: 'new releases',
      SocialGameInvite: 'game invitations',
    },
    welcome: 'Welcome to Proactive Alerts.',
    offer: 'I can notify you about {{events}}.',
    status: {
      none: "You haven't turned notifications on yet.",
      some: 'You get {{events}}.',
      all: 'You get all of them.',
    },
    howToEnable: 'To get them, say "turn on notifications".',
    whatNext: 'What would you like to do?',
    alreadyOn: 'Your notifications are already on. You can choose which ones you get in the Alexa app, under Notifications.',
    permission: {
      accepted:
        'Thanks, notifications are on. When one arrives, your device lights up; say "Alexa, what are my notifications?" to hear it.',
      denied: 'Okay, no notifications. If you change your mind, say "turn on notifications", or turn them on in the Alexa app.',
      card: 'I have sent a card to the Alexa app, where you can turn on notifications for Proactive Alerts.',
    },
    help: 'I send Alexa notifications about {{events}}. Say "turn on notifications" to get them, or ask "what notifications do you send".',
    fallback: "Sorry, I can't help with that.",
    goodbye: 'Goodbye.',
  },
};
