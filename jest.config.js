/**
 * Every test of the repository: the two packages' and the template's. The global setup compiles once, for the
 * tests that start the compiled skill, the demo or the trigger script as child processes.
 */
module.exports = {
  globalSetup: '<rootDir>/test/globalSetup.js',
  testSequencer: '<rootDir>/test/sequencer.js',
  projects: [
    '<rootDir>/packages/alexa-proactive-events',
    '<rootDir>/packages/jovo-plugin-proactive-events',
    {
      ...require('./jest.preset'),
      displayName: 'template',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/packages/'],
      setupFilesAfterEnv: [...require('./jest.preset').setupFilesAfterEnv, '<rootDir>/test/quiet.ts'],
    },
  ],
};
