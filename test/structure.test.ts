import * as fs from 'fs';
import * as path from 'path';
import madge from 'madge';
import ts from 'typescript';

/**
 * The shape of the repository: imports go one way (library ← plugin ← template), no module imports itself through
 * others (type-only imports included), and what the packages offer is documented.
 */
const root = path.join(__dirname, '..');
const LIBRARY = path.join('packages', 'alexa-proactive-events', 'src');
const PLUGIN = path.join('packages', 'jovo-plugin-proactive-events', 'src');

it('has no import cycles, type-only imports included', async () => {
  const graph = await madge([path.join(root, 'src'), path.join(root, LIBRARY), path.join(root, PLUGIN)], {
    fileExtensions: ['ts'],
    tsConfig: path.join(root, 'tsconfig.json'),
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
  expect(Object.keys(graph.obj()).length).toBeGreaterThan(70);
  expect(graph.circular()).toEqual([]);
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
  const deep = imports(PLUGIN).filter(({ specifier }) => /^alexa-proactive-events\/(?!cli$|emulator$)/.test(specifier));
  expect(deep).toEqual([]);
});

it('lets the template use the packages by their names and entries only', () => {
  const deep = imports('src').filter(({ specifier }) => /^(alexa-proactive-events|jovo-plugin-proactive-events)\/(?!cli$|emulator$|dynamodb$|powertools$)|packages\//.test(specifier));
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
  path.join(LIBRARY, 'cli', 'index.ts'),
  path.join(PLUGIN, 'index.ts'),
  path.join(PLUGIN, 'dynamodb.ts'),
];

it.each(ENTRIES)('documents every name %s offers', (entry) => {
  const program = ts.createProgram([path.join(root, entry)], { ...ts.getDefaultCompilerOptions(), strict: true, noEmit: true, skipLibCheck: true, types: ['node'], esModuleInterop: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(path.join(root, entry))!)!;
  const exports = checker.getExportsOfModule(module);
  expect(exports.length).toBeGreaterThan(0);
  const undocumented = exports
    .map((exported) => (exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported))
    .filter((symbol) => symbol.getDocumentationComment(checker).length === 0 && symbol.getJsDocTags(checker).length === 0)
    .map((symbol) => symbol.getName());
  expect(undocumented).toEqual([]);
});
