import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The speech texts' completeness is a type check: each test compiles src/skill/i18n with one locale's file changed,
 * as a fork would change it, and reads what `npm run typecheck` would say.
 */
const root = path.join(__dirname, '..');
const i18n = path.join(root, 'src', 'skill', 'i18n');
const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;

// The project's settings, without the types of Node and jest, which src/skill/i18n does not use.
const OPTIONS: ts.CompilerOptions = { ...config.options, types: [] };
const parsed = new Map<string, ts.SourceFile | undefined>();

type Locale = 'en-US' | 'de-DE';
const source = (locale: Locale) => fs.readFileSync(path.join(i18n, `${locale}.ts`), 'utf8');

/** The type errors of src/skill/i18n, with `locale`'s texts replaced by `edit` of them. */
function typeErrors(locale: Locale, edit: (text: string) => string = (text) => text): string[] {
  const changed = path.join(i18n, `${locale}.ts`);
  const text = edit(source(locale));
  const host = ts.createCompilerHost(OPTIONS);
  host.getSourceFile = (name, language) => {
    if (path.resolve(name) === changed) return ts.createSourceFile(name, text, language);
    // The standard library's declarations are most of the work: parsed once for all the tests.
    if (!parsed.has(name)) parsed.set(name, ts.createSourceFile(name, fs.readFileSync(name, 'utf8'), language));
    return parsed.get(name);
  };
  const program = ts.createProgram([path.join(i18n, 'index.ts')], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

const withoutGoodbye = (text: string) => text.replace(/^ {4}goodbye: .*\n/m, '');

it('type-checks the texts as they are', () => {
  expect(typeErrors('en-US')).toEqual([]);
}, 30_000);

it.each<Locale>(['en-US', 'de-DE'])('fails the type check when %s lacks a key the other locale has, naming the locale and the key', (locale) => {
  expect(withoutGoodbye(source(locale))).not.toBe(source(locale));
  const errors = typeErrors(locale, withoutGoodbye).join('\n');
  expect(errors).toContain(`Types of property ''${locale}'' are incompatible`);
  expect(errors).toContain('missing speech key: goodbye');
}, 30_000);

it('fails the type check when a key is added to the second locale alone, naming the first as lacking it', () => {
  const errors = typeErrors('de-DE', (text) => text.replace(/^( {4}goodbye: .*\n)/m, "$1    reminder: { set: 'Erinnerung gesetzt.' },\n")).join('\n');
  expect(errors).toContain("Types of property ''en-US'' are incompatible");
  expect(errors).toContain('missing speech key: reminder.set');
}, 30_000);
