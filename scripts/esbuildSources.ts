import * as path from 'path';
import type { BuildOptions, Plugin } from 'esbuild';

/** How the bundles (the Lambda's, scripts/bundle.ts, and the webhook's, scripts/webhookBundle.ts) read this repository. */
const root = path.join(__dirname, '..', '..');
const library = (file: string) => path.join(root, 'packages', 'alexa-proactive-events', 'src', file);
const plugin = (file: string) => path.join(root, 'packages', 'jovo-plugin-proactive-events', 'src', file);

/** The workspace's packages by their TypeScript sources, as their published entries name them. */
export const PACKAGE_SOURCES: Readonly<Record<string, string>> = {
  'alexa-proactive-events': library('index.ts'),
  'alexa-proactive-events/internal': library('internal.ts'),
  'alexa-proactive-events/trigger': library(path.join('trigger', 'index.ts')),
  'alexa-proactive-events/cli': library(path.join('cli', 'index.ts')),
  'alexa-proactive-events/emulator': library(path.join('emulator', 'index.ts')),
  'jovo-plugin-proactive-events': plugin('index.ts'),
  'jovo-plugin-proactive-events/internal': plugin('internal.ts'),
  'jovo-plugin-proactive-events/dynamodb': plugin('dynamodb.ts'),
  'jovo-plugin-proactive-events/powertools': plugin('powertools.ts'),
};

/**
 * The two packages' entries from their sources rather than their CommonJS builds, which esbuild could not leave
 * parts of out; and each from one copy, whichever entry imports it.
 */
const packageSources: Plugin = {
  name: 'package-sources',
  setup(build) {
    build.onResolve({ filter: /^(alexa-proactive-events|jovo-plugin-proactive-events)(\/[a-z]+)?$/ }, ({ path: imported }) =>
      imported in PACKAGE_SOURCES ? { path: PACKAGE_SOURCES[imported], sideEffects: false } : undefined,
    );
  },
};

/** The skill's sources and the packages': none is imported for a side effect. */
const SOURCES = [path.join(root, 'src'), ...['alexa-proactive-events', 'jovo-plugin-proactive-events'].map((name) => path.join(root, 'packages', name, 'src'))].map(
  (dir) => dir + path.sep,
);

/**
 * Tells esbuild that importing one of these modules does nothing but define things, so a module the entry never
 * uses is left out with everything it imports: the plugin's webhook with Express, say, or the CLI.
 */
const sourcesWithoutSideEffects: Plugin = {
  name: 'sources-without-side-effects',
  setup(build) {
    const ours = (file: string) => SOURCES.some((dir) => file.startsWith(dir));
    build.onResolve({ filter: /^\./ }, async ({ path: imported, importer, resolveDir, kind, pluginData }) => {
      if (pluginData === 'resolving' || !ours(importer)) return undefined;
      const resolved = await build.resolve(imported, { importer, resolveDir, kind, pluginData: 'resolving' });
      return ours(resolved.path) ? { ...resolved, sideEffects: false } : resolved;
    });
  },
};

/** What every bundle of this repository is: one CommonJS file for Node 20, warnings shown. */
export const NODE_BUNDLE = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' } satisfies BuildOptions;

/**
 * A bundle of the skill's code, from the sources, the two packages' included, whose modules, free of side effects,
 * esbuild leaves out when the entry never uses them; less to parse at a cold start, names kept for stack traces.
 */
export const SKILL_BUNDLE = { ...NODE_BUNDLE, minify: true, keepNames: true, plugins: [packageSources, sourcesWithoutSideEffects] } satisfies BuildOptions;
