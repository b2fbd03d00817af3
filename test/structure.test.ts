import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { importCycles, importGraph, type ImportGraph } from './helpers/importGraph';

/**
 * The shape of the repository: imports go one way (library ← plugin ← template), no module imports itself through
 * others (type-only imports included), and what the packages offer is documented.
 */
const root = path.join(__dirname, '..');
const LIBRARY = path.join('packages', 'alexa-proactive-events', 'src');
const PLUGIN = path.join('packages', 'jovo-plugin-proactive-events', 'src');

/**
 * Every module of the template and the two packages, with what it imports (type-only imports included), once: read
 * by the compiler's pre-processor and resolved under tsconfig.json, as madge's graph was (the same 142 modules and
 * edges, in 0.2 s rather than 4 s of parsing every file into a syntax tree).
 */
let graph: ImportGraph;
beforeAll(() => {
  graph = importGraph(root, ['src', LIBRARY, PLUGIN], path.join(root, 'tsconfig.json'));
});

it('has no import cycles, type-only imports included', () => {
  expect(Object.keys(graph).length).toBeGreaterThan(70);
  expect(importCycles(graph)).toEqual([]);
});

/**
 * The floors of each source tree, lowest first: a module imports modules of its own floor and the floors below,
 * never one above. A floor is folders (`events/`) and files at the tree's root (`errors.ts`); every module is on
 * one, so a new folder or root file has to be given its place. At the bottom of each package are its shared basics
 * (errors, issues, the plugin's project words); the plugin's doors stand on the plugin they serve, its settings on
 * everything they configure, its trigger script on the settings; each tree's entries are its top.
 */
const FLOORS: Record<string, string[][]> = {
  [LIBRARY]: [['errors.ts', 'issues.ts', 'json.ts', 'logSafe.ts', 'typeCheck.ts'], ['events/'], ['request/'], ['send/'], ['subscriptions.ts'], ['emulator/'], ['trigger/'], ['cli/'], ['index.ts', 'internal.ts']],
  [PLUGIN]: [['errors.ts', 'hints.ts', 'trigger/'], ['schedules/'], ['stores/'], ['plugin/', 'fanout/', 'handlers.ts'], ['doors/'], ['config/'], ['cli/'], ['index.ts', 'internal.ts', 'dynamodb.ts', 'powertools.ts']],
  src: [['settings.ts'], ['skill/'], ['entry/'], ['index.ts']],
};

/** The tree of `file` (a path from the repository's root) and its floor there; floor -1: on none. */
function placeOf(file: string): { tree: string; floor: number } | undefined {
  const tree = Object.keys(FLOORS).find((dir) => file.startsWith(`${dir}${path.sep}`));
  if (!tree) return undefined;
  const inTree = file.slice(tree.length + 1).split(path.sep).join('/');
  const floor = FLOORS[tree].findIndex((members) => members.some((member) => (member.endsWith('/') ? inTree.startsWith(member) : inTree === member)));
  return { tree, floor };
}

it('places every module of the template and the packages on a floor', () => {
  const unplaced = Object.keys(graph).filter((file) => placeOf(file)?.floor === -1);
  expect(unplaced).toEqual([]);
  // Each tree has modules on every floor it names: a floor that no longer holds anything goes.
  for (const [tree, floors] of Object.entries(FLOORS)) {
    const used = new Set(Object.keys(graph).map(placeOf).filter((place) => place?.tree === tree).map((place) => place!.floor));
    expect(floors.filter((_, floor) => !used.has(floor))).toEqual([]);
  }
});

it('has no import that runs up a floor, in the library, the plugin or the template', () => {
  const upward = Object.entries(graph).flatMap(([file, imported]) => {
    const from = placeOf(file);
    return imported
      .filter((dependency) => {
        const to = placeOf(dependency);
        return from && to && to.tree === from.tree && to.floor > from.floor;
      })
      .map((dependency) => `${file} -> ${dependency}`);
  });
  expect(upward).toEqual([]);
});

it('lets the library import nothing of the plugin, the template or Jovo', () => {
  const outside = Object.entries(graph)
    .filter(([file]) => file.startsWith(`${LIBRARY}${path.sep}`))
    .flatMap(([file, imported]) => imported.filter((dependency) => !dependency.startsWith(`${LIBRARY}${path.sep}`)).map((dependency) => `${file} -> ${dependency}`));
  expect(outside).toEqual([]);
  // Jovo's packages are not in the graph (it follows this repository's files): by their names, then.
  expect(imports(LIBRARY).filter(({ specifier }) => /^jovo-/.test(specifier))).toEqual([]);
});

/** Every import of every source file below `dir`, as written: `from '…'`, `require('…')`, `import('…')`. */
function imports(dir: string): Array<{ file: string; specifier: string }> {
  const full = path.join(root, dir);
  return fs
    .readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const source = fs.readFileSync(path.join(full, file), 'utf8');
      return [...source.matchAll(/\bfrom '([^']+)'|\brequire\('([^']+)'\)|\bimport\('([^']+)'\)/g)].map((match) => ({
        file: path.join(dir, file),
        specifier: match[1] ?? match[2] ?? match[3],
      }));
    });
}

it('lets the plugin import the library by its package name only, and nothing of the template', () => {
  const escapes = imports(PLUGIN).filter(({ file, specifier }) => specifier.startsWith('.') && !path.resolve(root, path.dirname(file), specifier).startsWith(path.join(root, PLUGIN)));
  expect(escapes).toEqual([]);
  const deep = imports(PLUGIN).filter(({ specifier }) => /^alexa-proactive-events\/(?!cli$|emulator$|internal$|trigger$)/.test(specifier));
  expect(deep).toEqual([]);
});

it('lets the template use the packages by their names and entries only', () => {
  const deep = imports('src').filter(({ specifier }) => /^(alexa-proactive-events|jovo-plugin-proactive-events)\/(?!cli$|emulator$|internal$|trigger$|dynamodb$|powertools$)|packages\//.test(specifier));
  expect(deep).toEqual([]);
});

it.each([
  ['proactive-events', 'jovo-plugin-proactive-events'],
  ['alexa-proactive-events', 'alexa-proactive-events'],
])('links the command %s for npx, from %s, whether or not it was compiled when npm linked it', (command, pkg) => {
  const linked = fs.realpathSync(path.join(root, 'node_modules', '.bin', command));
  expect(linked).toBe(path.join(root, 'packages', pkg, 'bin', `${command}.js`));
  expect(fs.statSync(linked).mode & 0o111).not.toBe(0);
});

/** The entries users import, and the names each offers that have no TSDoc. */
const ENTRIES = [
  path.join(LIBRARY, 'index.ts'),
  path.join(LIBRARY, 'emulator', 'index.ts'),
  path.join(LIBRARY, 'trigger', 'index.ts'),
  path.join(LIBRARY, 'cli', 'index.ts'),
  path.join(PLUGIN, 'index.ts'),
  path.join(PLUGIN, 'dynamodb.ts'),
];

/** The entries whose option types are read: those users import, and the Powertools one. */
const OPTION_ENTRIES = [...ENTRIES, path.join(PLUGIN, 'powertools.ts')];

/** One program of every entry read below (the entries share most of their modules), made on first use. */
let shared: { program: ts.Program; checker: ts.TypeChecker } | undefined;
function entryModule(entry: string): { checker: ts.TypeChecker; module: ts.Symbol } {
  if (!shared) {
    const program = ts.createProgram(
      OPTION_ENTRIES.map((file) => path.join(root, file)),
      { ...ts.getDefaultCompilerOptions(), strict: true, noEmit: true, skipLibCheck: true, types: ['node'], esModuleInterop: true },
    );
    shared = { program, checker: program.getTypeChecker() };
  }
  const { program, checker } = shared;
  return { checker, module: checker.getSymbolAtLocation(program.getSourceFile(path.join(root, entry))!)! };
}

it.each(ENTRIES)('documents every name %s offers', (entry) => {
  const { checker, module } = entryModule(entry);
  const exports = checker.getExportsOfModule(module);
  expect(exports.length).toBeGreaterThan(0);
  const undocumented = exports
    .map((exported) => (exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported))
    .filter((symbol) => symbol.getDocumentationComment(checker).length === 0 && symbol.getJsDocTags(checker).length === 0)
    .map((symbol) => symbol.getName());
  expect(undocumented).toEqual([]);
});

/**
 * The option types the entries offer (names ending in `Options` or `Policy`): every optional property says what
 * applies when it is left out, in a `@default` tag (`@default undefined` and a sentence, where nothing does), so that
 * editors and the API reports show it where the option is written rather than only in prose or in the code.
 */
it.each(OPTION_ENTRIES)('gives every optional property of the option types %s offers a @default', (entry) => {
  const { checker, module } = entryModule(entry);
  const undefaulted = checker
    .getExportsOfModule(module)
    .filter((exported) => /(Options|Policy)$/.test(exported.getName()))
    .map((exported) => (exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported))
    .filter((symbol) => symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))
    .flatMap((symbol) =>
      checker
        .getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))
        .filter((property) => property.flags & ts.SymbolFlags.Optional)
        .filter((property) => !property.getJsDocTags(checker).some((tag) => tag.name === 'default'))
        .map((property) => `${symbol.getName()}.${property.getName()}`),
    );
  expect(undefaulted).toEqual([]);
});
