/** German texts. Every locale has the same keys: one that another locale lacks fails the type check (index.ts). */
export const deDE = {
  translation: {
    events: {
      WeatherAlert: 'Unwetterwarnungen',
      SportsEvent: 'Spielstände',
      MessageAlert: 'neue Nachrichten',
      OrderStatus: 'den Stand deiner Bestellungen',
      Occasion: 'Buchungsbestätigungen',
      TrashCollectionAlert: 'Abfuhrtage',
      MediaContent: 'Neuerscheinungen',
      SocialGameInvite: 'Spieleinladungen',
    },
    welcome: 'Willkommen bei Proaktive Hinweise.',
    offer: 'Ich kann dich über {{events}} benachrichtigen.',
    status: {
      none: 'Du hast die Benachrichtigungen noch nicht eingeschaltet.',
      some: 'Du bekommst {{events}}.',
      all: 'Du bekommst alle.',
    },
    howToEnable: 'Sag "schalte Benachrichtigungen ein", um sie zu bekommen.',
    whatNext: 'Was möchtest du tun?',
    alreadyOn:
      'Deine Benachrichtigungen sind schon eingeschaltet. Welche du bekommst, wählst du in der Alexa App unter Benachrichtigungen.',
    permission: {
      accepted:
        'Danke, die Benachrichtigungen sind eingeschaltet. Kommt eine an, leuchtet dein Gerät; sag "Alexa, was sind meine Benachrichtigungen?", um sie zu hören.',
      denied:
        'Okay, keine Benachrichtigungen. Wenn du es dir anders überlegst, sag "schalte Benachrichtigungen ein", oder schalte sie in der Alexa App ein.',
      card: 'Ich habe dir eine Karte in die Alexa App geschickt. Dort kannst du die Benachrichtigungen für Proaktive Hinweise einschalten.',
    },
    help: 'Ich schicke dir Alexa-Benachrichtigungen über {{events}}. Sag "schalte Benachrichtigungen ein", um sie zu bekommen, oder frag "welche Benachrichtigungen schickst du".',
    fallback: 'Das kann ich leider nicht.',
    goodbye: 'Tschüss.',
  },
};
