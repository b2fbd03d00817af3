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

/** The type errors of `source`, compiled as a file of src/skill/ with the project's own settings. */
function typeErrors(source: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const file = path.join(root, 'src', 'skill', 'readmeSnippet.ts');
  const host = ts.createCompilerHost(config.options);
  const read = host.getSourceFile;
  host.getSourceFile = (name, language, ...rest) => (path.resolve(name) === file ? ts.createSourceFile(name, source, language) : read.call(host, name, language, ...rest));
  host.fileExists = ((exists) => (name: string) => path.resolve(name) === file || exists(name))(host.fileExists);
  const program = ts.createProgram([file], { ...config.options, noUnusedLocals: false }, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const wrap = (handler: string) =>
  `import type { Handler, Jovo } from 'jovo-framework';\nimport { proactiveEvents } from 'jovo-plugin-proactive-events';\n\nexport const handlers: Handler = {\n${handler}};\n`;

it("README's own intent handler type-checks as a fork pastes it into src/skill/handlers.ts", () => {
  expect(typeErrors(wrap(handlerSnippet()))).toEqual([]);
}, 60_000);

it('would fail the type check with the wrong status the README says it refuses', () => {
  const wrong = handlerSnippet().replace("status: 'ORDER_SHIPPED'", "status: 'SHIPPED'");
  expect(wrong).not.toBe(handlerSnippet());
  expect(typeErrors(wrap(wrong)).join('\n')).toContain('"SHIPPED"');
}, 60_000);
