import * as fs from 'fs';
import * as path from 'path';
import { previewText, validateRequest } from '../src';

/** The 13 examples of Amazon's schema page, each wrapped in a request body (examples/). */
const folder = path.join(__dirname, '..', 'examples');
const example = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));

const EXPECTED: Record<string, string> = {
  'weather-alert.json': 'There is a tornado alert for your area. Provided by Weather Knows.',
  'sports-event.json': 'TreeFruit League match update, Apples scored! Apples 2, Oranges 1.',
  'message-alert.json': 'You have 5 new unread urgent messages from Andy.',
  'order-preorder-received.json': 'Your preorder from Amazon has been received.',
  'order-received.json': 'Your order from Amazon has been received.',
  'order-shipped.json': 'Your order from Amazon has been shipped and will arrive by November 23, 2018.',
  'order-out-for-delivery.json': 'Your order from Amazon is out for delivery and will arrive by November 23, 2018.',
  'order-delivered-on.json': 'Your order from Amazon was delivered on November 23, 2018.',
  'order-delivered.json': 'Your order from Amazon has been delivered.',
  'occasion.json': 'Your appointment at Dental XYZ for root canal on November 20, 2018 has been confirmed.',
  'trash-collection-alert.json': 'The coming Tuesday is compostable and recyclable plastics collection day.',
  'media-content.json': 'Salvage Hunters will air on November 20, 2028 on Amazon Video.',
  'social-game-invite.json': 'Your friend Max has challenged you to a game of The Red.',
};

it('keeps all 13 examples of the schema page as fixtures', () => {
  expect(fs.readdirSync(folder).sort()).toEqual(Object.keys(EXPECTED).sort());
});

it.each(Object.entries(EXPECTED))('accepts %s without warnings and previews it in English', (file, text) => {
  const result = validateRequest(example(file));
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
  expect(result.warnings).toEqual([]);
  expect(previewText(result.request, 'en-US')).toBe(text);
});

it("previews the examples that use no localized attributes in German as well", () => {
  const preview = (file: string) => {
    const result = validateRequest(example(file));
    return result.ok ? previewText(result.request, 'de-DE') : result.issues;
  };
  expect(preview('message-alert.json')).toBe('Du hast 5 neue ungelesene dringende Nachrichten von Andy.');
  expect(preview('trash-collection-alert.json')).toBe('Am kommenden Dienstag ist Abholung für Bioabfall und recycelbare Kunststoffe.');
});
