/** The plugin's tests: `npm test` in this folder, or all of the repository's with `npm test` at its root. */
module.exports = {
  ...require('../../jest.preset'),
  displayName: 'jovo-plugin-proactive-events',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  setupFilesAfterEnv: [...require('../../jest.preset').setupFilesAfterEnv, '<rootDir>/test/quiet.ts'],
};
