import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

/**
 * The library speaks its own words: what it says at run time names its options (`clientId`, `allowedOrigins`,
 * `secret`…), never the environment variables, scripts and files of the Jovo template, which a plain Node user
 * does not have. Read from the compiled code users install (`npm run build`; `npm test` builds it first), so that
 * what is checked is what ships.
 */
const DIST = path.join(__dirname, '..', 'dist');
const SRC = path.join(__dirname, '..', 'src');
/** Written by every build that looked at a changed source, whether or not the output changed. */
const BUILD_INFO = path.join(DIST, '.tsbuildinfo');

/** The template's words, each matched where it stands as a word (not inside Amazon's `SKILL_PROACTIVE_…`, say). */
const TEMPLATE_WORDS: ReadonlyArray<[string, RegExp]> = [
  ['TRIGGER_SECRET', /(?<!\w)TRIGGER_SECRET/],
  ['PROACTIVE_API_ENDPOINTS', /(?<!\w)PROACTIVE_API_ENDPOINTS/],
  ['PROACTIVE_', /(?<!\w)PROACTIVE_/],
  ['ALEXA_CLIENT_ID', /(?<!\w)ALEXA_CLIENT_ID/],
  ['ALEXA_CLIENT_SECRET', /(?<!\w)ALEXA_CLIENT_SECRET/],
  ['SKILL_ID', /(?<!\w)SKILL_ID(?!\w)/],
  ['npm run', /npm run/],
  ['npx', /(?<!\w)npx(?!\w)/],
  // The plugin's command, not this library's `alexa-proactive-events`.
  ['proactive-events ', /(?<![\w-])proactive-events /],
  ['app.json', /app\.json/],
  ['build:platform', /build:platform/],
  ['jovo', /(?<!\w)jovo/i],
  ['.env', /(?<!\w)\.env(?!\w)/],
];

/**
 * The emulator command's `--skill-id` reads SKILL_ID as its default: the skill's id under the name Amazon's own
 * tools give it, documented with the option, not a word of the template's.
 */
const OWN_ENVIRONMENT = new Set(['cli/emulator.js: SKILL_ID']);

/**
 * The text of every string and template literal of `source` (a compiled module), as `[line, text]`. Comments are
 * not run time; what the compiler writes for the module system is no message: `require('…')` specifiers and the
 * names `Object.defineProperty(exports, '…')` re-exports.
 */
function runtimeStrings(source: string): Array<[number, string]> {
  const file = ts.createSourceFile('module.js', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const strings: Array<[number, string]> = [];
  const isModuleName = (node: ts.Node): boolean => {
    const call = node.parent;
    if (!ts.isCallExpression(call)) return false;
    const callee = call.expression.getText(file);
    return (callee === 'require' && call.arguments[0] === node) || (callee === 'Object.defineProperty' && call.arguments[0]?.getText(file) === 'exports' && call.arguments[1] === node);
  };
  const visit = (node: ts.Node): void => {
    const literal = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node);
    if (literal && !isModuleName(node)) strings.push([file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, (node as ts.LiteralLikeNode).text]);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return strings;
}

/** `file:line: word in "text"` for each template word in the run-time strings of `source`. */
function templateWords(file: string, source: string): string[] {
  return runtimeStrings(source).flatMap(([line, text]) =>
    TEMPLATE_WORDS.filter(([, pattern]) => pattern.test(text)).map(([word]) => `${file}:${line}: ${word} in ${JSON.stringify(text.slice(0, 160))}`),
  );
}

/** The compiled modules below `dir`, relative to it, with `/` between folders. */
function modules(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

it('finds a template word in a string or a template literal, and not in comments or module plumbing', () => {
  const source = [
    '"use strict";',
    '// set TRIGGER_SECRET in .env',
    'Object.defineProperty(exports, "PROACTIVE_EVENTS_SCOPE", { enumerable: true, get: function () { return x; } });',
    'const jovo = require("jovo-core");',
    "const reasons = ['SKILL_PROACTIVE_SUBSCRIPTION_CHANGED', `run npm run build:platform, then ${next}`, 'the skill has no TRIGGER_SECRET'];",
  ].join('\n');
  expect(templateWords('sample.js', source)).toEqual([
    'sample.js:5: npm run in "run npm run build:platform, then "',
    'sample.js:5: build:platform in "run npm run build:platform, then "',
    'sample.js:5: TRIGGER_SECRET in "the skill has no TRIGGER_SECRET"',
  ]);
});

it("names none of the template's words in what the compiled library says", () => {
  // Compiled before a source last changed, it would be checked as it was: build again (npm run build).
  const built = fs.existsSync(BUILD_INFO) ? fs.statSync(BUILD_INFO).mtimeMs : 0;
  const newer = fs
    .readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && fs.statSync(path.join(SRC, file)).mtimeMs > built);
  expect(newer).toEqual([]);
  const files = modules(DIST);
  const found = files
    .flatMap((file) => templateWords(file, fs.readFileSync(path.join(DIST, file), 'utf8')))
    .filter((finding) => !OWN_ENVIRONMENT.has(finding.replace(/:\d+: (\S+) in .*$/, ': $1')));
  expect(found).toEqual([]);
  expect(files.length).toBeGreaterThan(40);
});
