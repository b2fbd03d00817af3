import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The README's handler of "Building your own intent and event", as a fork pastes it beside the others. */
function handlerSnippet(): string {
  const section = readme.slice(readme.indexOf('## Building your own intent and event'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: "Building your own intent and event" has no ```ts block');
  return block[1].replace(/^ {3}/gm, '');
}

/** The speech texts the README says to add to each locale: `orderShipped: { … }`. */
function speechSnippet(): string {
  const texts = /add `(orderShipped: \{[\s\S]*?\})` to `src\/skill\/i18n\/en-US\.ts`/.exec(readme);
  if (!texts) throw new Error('README.md: "Building your own intent and event" names no orderShipped texts for src/skill/i18n');
  return texts[1].replace(/\s+/g, ' ');
}

/** The files read from disk, parsed once for all the checks below (the snippet and the locales are parsed per check). */
const parsed = new Map<string, ts.SourceFile>();

/** The previous check's program, whose unchanged files the next one takes as they are. */
let previous: ts.Program | undefined;

/**
 * The type errors of `source`, compiled as a file of src/skill/ with the project's own settings, and with `texts` added
 * to every locale of src/skill/i18n, as the README says.
 */
function typeErrors(source: string, texts = speechSnippet()): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  // The packages as a fork has them: their published declarations (dist/, which the global setup builds), not their sources.
  const options = { ...config.options, noUnusedLocals: false, paths: undefined };
  const file = path.join(root, 'src', 'skill', 'readmeSnippet.ts');
  const locales = ['en-US', 'de-DE'].map((locale) => path.join(root, 'src', 'skill', 'i18n', `${locale}.ts`));
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile;
  host.getSourceFile = (name, language, ...rest) => {
    if (path.resolve(name) === file) return ts.createSourceFile(name, source, language);
    if (locales.includes(path.resolve(name)) && texts !== '') return ts.createSourceFile(name, fs.readFileSync(name, 'utf8').replace('translation: {', `translation: {\n    ${texts},`), language);
    const key = `${path.resolve(name)}\0${JSON.stringify(language)}`;
    if (!parsed.has(key)) {
      const sourceFile = read.call(host, name, language, ...rest);
      if (!sourceFile) return undefined;
      parsed.set(key, sourceFile);
    }
    return parsed.get(key);
  };
  host.fileExists = ((exists) => (name: string) => path.resolve(name) === file || exists(name))(host.fileExists);
  const program = ts.createProgram([file], options, host, previous);
  previous = program;
  // The errors a change to src/skill can cause are in the template's own files: the packages import nothing of it
  // (structure.test.ts), and every file as committed type-checks (npm run typecheck).
  const template = program.getSourceFiles().filter((sourceFile) => path.resolve(sourceFile.fileName).startsWith(path.join(root, 'src') + path.sep));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...template.flatMap((sourceFile) => [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]),
  ];
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const wrap = (handler: string) =>
  `import type { Handler, Jovo } from 'jovo-framework';\nimport { proactiveEvents } from 'jovo-plugin-proactive-events';\nimport { t } from './i18n';\n\nexport const handlers: Handler = {\n${handler}};\n`;

it("README's own intent handler type-checks as a fork pastes it into src/skill/handlers.ts, with the texts it says to add", () => {
  expect(typeErrors(wrap(handlerSnippet()))).toEqual([]);
}, 60_000);

it('would fail the type check with the wrong status the README says it refuses', () => {
  const wrong = handlerSnippet().replace("status: 'ORDER_SHIPPED'", "status: 'SHIPPED'");
  expect(wrong).not.toBe(handlerSnippet());
  expect(typeErrors(wrap(wrong)).join('\n')).toContain('"SHIPPED"');
}, 60_000);

it('would fail the type check without the texts the README says to add, rather than speak their keys', () => {
  expect(typeErrors(wrap(handlerSnippet()), '').join('\n')).toContain('"orderShipped.sent"');
}, 60_000);
