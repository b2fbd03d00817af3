import { cli, json } from '../helpers/cli';

it("prints the notification text in the event's first locale", async () => {
  await expect(cli('preview', 'examples/occasion.json')).resolves.toEqual({
    status: 0,
    out: 'Your appointment at Dental XYZ for root canal on November 20, 2018 has been confirmed.\n',
    err: '',
  });
});

it('speaks German with --locale de-DE', async () => {
  const { status, out } = await cli('preview', 'examples/message-alert.json', '--locale', 'de-DE');
  expect(status).toBe(0);
  expect(out).toBe('Du hast 5 neue ungelesene dringende Nachrichten von Andy.\n');
});

it('prints { file, event, locale, text, errors } with --json', async () => {
  const { out } = await cli('preview', 'examples/weather-alert.json', '--json');
  expect(json(out)).toEqual({
    file: 'examples/weather-alert.json',
    event: 'AMAZON.WeatherAlert.Activated',
    locale: 'en-US',
    text: 'There is a tornado alert for your area. Provided by Weather Knows.',
    errors: [],
  });
});

it('refuses an invalid event with exit 1 and its problems on stderr', async () => {
  const { status, out, err } = await cli('preview', 'test/fixtures/invalid/trash-collection-alert.json');
  expect(status).toBe(1);
  expect(out).toBe('');
  expect(err).toContain('test/fixtures/invalid/trash-collection-alert.json is not a valid Proactive Event, 4 problems:\n');
});

it('exits 1 for a locale without text or without localized attributes', async () => {
  const french = await cli('preview', 'examples/social-game-invite.json', '--locale', 'fr-FR');
  expect(french).toEqual({ status: 1, out: '', err: 'No notification text in fr-FR: the previews are written in en and de\n' });
  const german = await cli('preview', 'examples/social-game-invite.json', '--locale', 'de-DE', '--json');
  expect(german.status).toBe(1);
  expect(json(german.out)).toMatchObject({ text: null, errors: [{ path: 'locale', message: 'The event has no localizedAttributes for de-DE; it has en-US, fr-FR' }] });
});
