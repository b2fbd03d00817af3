import * as fs from 'fs';
import * as path from 'path';
import { ExtractorConfig } from '@microsoft/api-extractor';
import ts from 'typescript';
import { apiConfigs, runApiExtractor } from '../scripts/api';

/**
 * The packages' public face, read from their built declarations (the global setup compiles): each entry's API
 * report (`packages/<name>/etc/*.api.md`, written by `npm run api`) is what the entry exports, every entry a user
 * can import has one, and each main entry exports no more names than its limit.
 */
const root = path.join(__dirname, '..');

/**
 * The most names each package's main entry may export, values and types alike (TypeScript's count). A name the
 * packages share but users do not need goes to the package's internal entry (`<package>/internal`), which has
 * no report and no limit. Lower a limit when names leave; a name added shows in the entry's API report.
 */
const EXPORT_LIMITS: Record<string, number> = {
  'alexa-proactive-events': 44,
  'jovo-plugin-proactive-events': 43,
};

/** The entry of a package's `exports` that only the packages themselves import: no report, no limit. */
const INTERNAL_ENTRY = './internal';

const packages = apiConfigs(root).map(({ dir, configs }) => ({
  dir,
  configs,
  manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string | { types?: string }> },
}));

/** The lines only one of two reports has, `-` the committed one's and `+` the new one's, at most `max`. */
function changedLines(committed: string, written: string, max = 40): string[] {
  const count = (text: string) => text.split('\n').reduce((counts, line) => counts.set(line, (counts.get(line) ?? 0) + 1), new Map<string, number>());
  const before = count(committed);
  const after = count(written);
  const only = (sign: string, lines: Map<string, number>, other: Map<string, number>) =>
    [...lines].flatMap(([line, n]) => Array<string>(Math.max(0, n - (other.get(line) ?? 0))).fill(`${sign} ${line}`));
  return [...only('-', before, after), ...only('+', after, before)].slice(0, max);
}

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

it('keeps every API report as its built entry exports it (npm run api rewrites them)', () => {
  const reports = runApiExtractor(root, { local: false });
  expect(reports.length).toBeGreaterThanOrEqual(2);
  const stale = reports
    .filter((report) => report.changed || report.errors.length > 0)
    .map((report) => ({
      report: path.relative(root, report.committed),
      errors: report.errors,
      changed: report.changed ? changedLines(read(report.committed), read(report.written)) : [],
    }));
  expect(stale).toEqual([]);
}, 120_000);

it.each(packages.map(({ manifest, dir, configs }) => [manifest.name, dir, configs] as const))(
  'has an API report for every entry %s offers users',
  (_name, dir, configs) => {
    const reported = configs.map((file) => ExtractorConfig.loadFileAndPrepare(file).mainEntryPointFilePath).sort();
    const manifest = packages.find((pkg) => pkg.dir === dir)!.manifest;
    const typed = Object.entries(manifest.exports)
      .filter(([subpath, target]) => subpath !== INTERNAL_ENTRY && typeof target === 'object' && target.types)
      .map(([, target]) => path.join(dir, (target as { types: string }).types))
      .sort();
    expect(reported).toEqual(typed);
  },
);

/**
 * The names each package's main entry exports, read from its built `dist/index.d.ts` (one program for both): a
 * name that is a value and a type counts once.
 */
function exportedNames(): Map<string, string[]> {
  const entries = packages.map(({ dir, manifest }) => [manifest.name, path.join(dir, 'dist', 'index.d.ts')] as const);
  const program = ts.createProgram(
    entries.map(([, file]) => file),
    { noEmit: true, skipLibCheck: true, types: [], module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true },
  );
  const checker = program.getTypeChecker();
  return new Map(
    entries.map(([name, file]) => {
      const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
      return [name, checker.getExportsOfModule(module).map((symbol) => symbol.getName())];
    }),
  );
}

describe('the main entries', () => {
  let names: Map<string, string[]>;
  beforeAll(() => {
    names = exportedNames();
  });

  it('has a limit for each package', () => {
    expect([...names.keys()].sort()).toEqual(Object.keys(EXPORT_LIMITS).sort());
  });

  it.each(Object.entries(EXPORT_LIMITS))('%s exports at most its limit of %i names', (name, limit) => {
    const exported = names.get(name)!;
    // One name a user surely needs: an entry read wrong counts nothing and would pass.
    expect(exported).toContain(name === 'alexa-proactive-events' ? 'validateRequest' : 'ProactiveEvents');
    expect(exported.length).toBeLessThanOrEqual(limit);
  });
});
