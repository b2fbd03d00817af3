/** The library's tests: `npm test` in this folder, or all of the repository's with `npm test` at its root. */
module.exports = {
  ...require('../../jest.preset'),
  displayName: 'alexa-proactive-events',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
};
