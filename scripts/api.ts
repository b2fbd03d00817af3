import * as fs from 'fs';
import * as path from 'path';
import { CompilerState, Extractor, ExtractorConfig, type ExtractorMessage } from '@microsoft/api-extractor';

/**
 * The API reports: what each entry of the two packages offers, as api-extractor reads it from the built
 * `dist/*.d.ts`, committed as `packages/<name>/etc/<report>.api.md`, one per `api-extractor*.json` beside the
 * package's package.json. `npm run api` compiles and writes every report (`--local`); without `--local` nothing
 * is written in etc/, and an entry whose report differs from what its code exports fails (test/api.test.ts).
 */

/** One entry's run. */
export interface ApiReport {
  /** The entry's declarations, relative to the repository. */
  entry: string;
  /** The committed report, etc/<name>.api.md. */
  committed: string;
  /** The report of this run, in dist/api/: the same as `committed` after a `--local` run. */
  written: string;
  /** Whether this run's report differs from the committed one (before a `--local` run wrote it). */
  changed: boolean;
  /** What api-extractor calls errors, and its warnings (TSDoc's among them), located. */
  errors: string[];
  warnings: string[];
}

/** The configuration file of the package's main entry; the others are `api-extractor.<entry>.json`. */
const MAIN = 'api-extractor.json';
const CONFIG = /^api-extractor(\.[a-z-]+)?\.json$/;

/** Each workspace package's folder and its api-extractor configurations, the main entry's first. */
export function apiConfigs(root: string): Array<{ dir: string; configs: string[] }> {
  const workspaces: string[] = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces;
  return workspaces.map((workspace) => {
    const dir = path.join(root, workspace);
    const files = fs.readdirSync(dir).filter((file) => CONFIG.test(file));
    files.sort((a, b) => (a === MAIN ? -1 : b === MAIN ? 1 : a.localeCompare(b)));
    return { dir, configs: files.map((file) => path.join(dir, file)) };
  });
}

/**
 * Runs api-extractor on every entry of the repository's packages, from their built declarations; one TypeScript
 * program serves them all. `local` writes the reports into etc/.
 */
export function runApiExtractor(root: string, { local }: { local: boolean }): ApiReport[] {
  const reports: ApiReport[] = [];
  const prepared = apiConfigs(root).flatMap(({ configs }) => configs.map((file) => ExtractorConfig.loadFileAndPrepare(file)));
  if (prepared.length === 0) return reports;
  // The packages' tsconfig.json differ only in what they compile; the plugin's declarations import the library's.
  const compilerState = CompilerState.create(prepared[0], { additionalEntryPoints: prepared.slice(1).map((config) => config.mainEntryPointFilePath) });
  for (const config of prepared) {
    const errors: string[] = [];
    const warnings: string[] = [];
    const collect = (message: ExtractorMessage) => {
      message.handled = true;
      // That the report changed is what `changed` says.
      if (message.messageId === 'console-api-report-changed' || message.messageId === 'console-api-report-created') return;
      if (message.logLevel === 'error') errors.push(message.formatMessageWithLocation(root));
      else if (message.logLevel === 'warning') warnings.push(message.formatMessageWithLocation(root));
    };
    const result = Extractor.invoke(config, { localBuild: local, compilerState, messageCallback: collect });
    const [report] = config.reportConfigs;
    reports.push({
      entry: path.relative(root, config.mainEntryPointFilePath),
      committed: path.join(config.reportFolder, report.fileName),
      written: path.join(config.reportTempFolder, report.fileName),
      changed: result.apiReportChanged,
      errors,
      warnings,
    });
  }
  return reports;
}

if (require.main === module) {
  // Compiled to dist/scripts/api.js.
  const root = path.join(__dirname, '..', '..');
  const local = process.argv.includes('--local');
  let failed = false;
  for (const report of runApiExtractor(root, { local })) {
    const committed = path.relative(root, report.committed);
    for (const line of [...report.errors, ...report.warnings]) process.stderr.write(`  ${line}\n`);
    if (report.errors.length > 0) failed = true;
    if (!report.changed) process.stdout.write(`${committed}: up to date\n`);
    else if (local) process.stdout.write(`${committed}: rewritten; review the change with git diff\n`);
    else {
      failed = true;
      process.stdout.write(`${committed}: out of date (this run's: ${path.relative(root, report.written)}); npm run api rewrites it\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}
