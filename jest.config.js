/** Types are checked once by `npm run typecheck`; ts-jest only transpiles (tsconfig sets isolatedModules), which keeps the suite fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  globalSetup: '<rootDir>/test/globalSetup.js',
  setupFilesAfterEnv: ['<rootDir>/test/quiet.ts'],
  testTimeout: 30000,
};
