/**
 * `npm run test:packages`: the two packages as npm packs them, installed into projects that have nothing of this
 * repository. Apart from `npm test`: it installs from the npm registry (its cache, mostly) and takes a minute.
 */
const path = require('path');

module.exports = {
  displayName: 'packages',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: require('../../jest.preset').transform,
  setupFilesAfterEnv: [path.join(__dirname, '..', 'timeout.js')],
};
