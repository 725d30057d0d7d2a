/** Jest runs the TypeScript sources through SWC; type checking is the separate `tsc --noEmit` step. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!lossless-json)'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/tests/summary-reporter.js'],
};
