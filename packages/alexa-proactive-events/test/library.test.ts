import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';

/** The library's sources: what it imports, read from the text, as `from '…'`, `require('…')` and `import('…')`. */
const sources = path.join(__dirname, '..', 'src');
const files = fs.readdirSync(sources, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));

function importsOf(file: string): string[] {
  return importsIn(fs.readFileSync(path.join(sources, file), 'utf8'));
}

function importsIn(source: string): string[] {
  return [...source.matchAll(/\bfrom '([^']+)'|\brequire\('([^']+)'\)|\bimport\('([^']+)'\)/g)].map((match) => match[1] ?? match[2] ?? match[3]);
}

/** The files `entry` loads, itself included, following relative imports (type-only ones too). */
function reachedFrom(entry: string): Set<string> {
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const specifier of importsOf(file).filter((imported) => imported.startsWith('.'))) {
      const target = path.relative(sources, path.resolve(path.dirname(path.join(sources, file)), specifier));
      visit([`${target}.ts`, path.join(target, 'index.ts')].find((candidate) => files.includes(candidate)) ?? `${target} (missing)`);
    }
  };
  visit(entry);
  return reached;
}

it.each(files)('%s imports nothing from Jovo or from outside the library', (file) => {
  for (const specifier of importsOf(file)) {
    expect(specifier).not.toMatch(/^jovo-/);
    if (specifier.startsWith('.')) expect(path.resolve(path.dirname(path.join(sources, file)), specifier).startsWith(sources + path.sep)).toBe(true);
  }
});

it('reads its imports from every form, require() included', () => {
  expect(importsIn("import a from 'a';\nconst b = require('b');\nconst c = await import('c');")).toEqual(['a', 'b', 'c']);
});

it('loads neither the emulator nor its command line from its main entry, and nothing beyond zod and Node', () => {
  const reached = [...reachedFrom('index.ts')];
  expect(reached.filter((file) => file.includes('(missing)'))).toEqual([]);
  expect(reached.filter((file) => file.startsWith(`emulator${path.sep}`) || file.startsWith(`cli${path.sep}`))).toEqual([]);
  const external = new Set(reached.flatMap(importsOf).filter((specifier) => !specifier.startsWith('.')));
  expect([...external].sort()).toEqual(['crypto', 'http', 'https', 'zod']);
});

it('imports nothing but its dependencies and Node\'s own modules, and depends on neither Express nor axios', () => {
  const { dependencies } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const allowed = new Set([...Object.keys(dependencies), ...builtinModules]);
  const packageOf = (specifier: string) => specifier.replace(/^node:/, '').split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  const outside = files.flatMap((file) => importsOf(file).filter((specifier) => !specifier.startsWith('.') && !allowed.has(packageOf(specifier))).map((specifier) => `${file}: ${specifier}`));
  expect(outside).toEqual([]);
  expect(Object.keys(dependencies).filter((name) => ['express', 'axios'].includes(name))).toEqual([]);
});

it('lists the eight events in exactly one place, the registry', () => {
  const mentions = files.filter((file) => {
    const source = fs.readFileSync(path.join(sources, file), 'utf8');
    return ['WeatherAlertActivated', 'SocialGameInviteAvailable'].every((name) => new RegExp(`\\b${name}\\b,`).test(source));
  });
  expect(mentions).toEqual([path.join('events', 'registry.ts')]);
});
