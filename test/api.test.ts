import * as fs from 'fs';
import * as path from 'path';
import { ExtractorConfig } from '@microsoft/api-extractor';
import { apiConfigs, runApiExtractor } from '../scripts/api';

/**
 * The packages' public face, read from their built declarations (the global setup compiles): each entry's API
 * report (`packages/<name>/etc/*.api.md`, written by `npm run api`) is what the entry exports, and every entry a
 * user can import has one.
 */
const root = path.join(__dirname, '..');

/** The entry of a package's `exports` that only the packages themselves import: it has no report. */
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
