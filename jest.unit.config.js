/**
 * `npm run test:unit`: the fast tests alone, in-process, with no build (they read the sources). Left out are the
 * tests that start compiled entries, read the built declarations, start the Jovo CLI or a browser, wait on timeouts,
 * or run a store emulator:
 * `npm test` runs them with the rest. Named with `-c`: Jovo's App reads `--config` from the command line as its own.
 */
const all = require('./jest.config');

const SLOW = [
  '/test/siege\\.test\\.ts$',
  '/test/jovoRun\\.test\\.ts$',
  '/test/manifest\\.test\\.ts$',
  '/test/crash\\.test\\.ts$',
  '/test/structure\\.test\\.ts$',
  '/test/entry\\.test\\.ts$',
  '/test/dev\\.test\\.ts$',
  '/test/emulatorPage\\.test\\.ts$',
  '/test/storage\\.test\\.ts$',
  '/test/races\\.test\\.ts$',
  '/test/faults\\.test\\.ts$',
  '/test/readme\\.test\\.ts$',
  '/test/api\\.test\\.ts$',
  // Reads the compiled library, which npm test builds first.
  '/test/ownWords\\.test\\.ts$',
];

module.exports = {
  testSequencer: all.testSequencer,
  projects: all.projects.map((project) => {
    const config = typeof project === 'string' ? require(`${project.replace('<rootDir>', __dirname)}/jest.config.js`) : project;
    return { ...config, testPathIgnorePatterns: [...(config.testPathIgnorePatterns ?? ['/node_modules/']), '/test/packages/', ...SLOW] };
  }),
};
