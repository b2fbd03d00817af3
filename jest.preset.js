// What every jest project of this repository shares: TypeScript transpiled by swc (types are checked once, by
// `npm run typecheck`; swc makes a fresh clone's first run as fast as later ones), and the two packages read from
// their sources, so that no test needs a build and every test sees one copy of each module. The packed packages are tried by `npm run test:packages`.
const path = require('path');

const packages = path.join(__dirname, 'packages');
/** As tsconfig.base.json compiles: ES2022, CommonJS. */
const SWC = { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } };

module.exports = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', SWC] },
  moduleNameMapper: {
    '^alexa-proactive-events$': path.join(packages, 'alexa-proactive-events', 'src', 'index.ts'),
    '^alexa-proactive-events/(emulator|cli|trigger)$': path.join(packages, 'alexa-proactive-events', 'src', '$1', 'index.ts'),
    '^alexa-proactive-events/internal$': path.join(packages, 'alexa-proactive-events', 'src', 'internal.ts'),
    '^jovo-plugin-proactive-events$': path.join(packages, 'jovo-plugin-proactive-events', 'src', 'index.ts'),
    '^jovo-plugin-proactive-events/(dynamodb|powertools|internal)$': path.join(packages, 'jovo-plugin-proactive-events', 'src', '$1.ts'),
  },
  // Servers start and stop on port 0 in many tests; 30 s rather than jest's 5 (a per-project setting needs this file).
  setupFilesAfterEnv: [path.join(__dirname, 'test', 'timeout.js')],
};
