import * as fs from 'fs';
import * as path from 'path';

const library = path.join(__dirname, '..', '..', 'src', 'proactive');
const files = fs.readdirSync(library, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));

it.each(files)('%s imports nothing from Jovo or from outside the library', (file) => {
  const source = fs.readFileSync(path.join(library, file), 'utf8');
  const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
  for (const specifier of imports) {
    expect(specifier).not.toMatch(/^jovo-/);
    if (specifier.startsWith('.')) expect(path.resolve(path.dirname(path.join(library, file)), specifier)).toContain(library);
  }
});

it('lists the eight events in exactly one place, the registry', () => {
  const mentions = files.filter((file) => {
    const source = fs.readFileSync(path.join(library, file), 'utf8');
    return ['WeatherAlertActivated', 'SocialGameInviteAvailable'].every((name) => new RegExp(`\\b${name}\\b,`).test(source));
  });
  expect(mentions).toEqual([path.join('schemas', 'index.ts')]);
});
