/**
 * Jest projects:
 *   npx jest --selectProjects unit         pure unit tests under libs/, apps/ and test/support/
 *   npx jest --selectProjects integration  end-to-end tests under test/ (needs the local stack)
 *
 * TypeScript is compiled with @swc/jest using the same options as .swcrc, minus `jsc.baseUrl`,
 * `jsc.paths` and `exclude` (the latter would skip the spec files themselves); the `@airan/*`
 * aliases are resolved by `moduleNameMapper` instead.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** @type {import('@swc/core').Options} */
const swcOptions = {
  // Use only the options below: never merge the repo's .swcrc (its `exclude` matches *.spec.ts).
  swcrc: false,
  sourceMaps: true,
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
};

// Jest validates every project's globalSetup/globalTeardown path at start-up, even for projects that
// --selectProjects leaves out; reference each only once it exists so `unit` runs on its own meanwhile.
const INTEGRATION_GLOBAL_SETUP = 'test/support/global-setup.ts';
const INTEGRATION_GLOBAL_TEARDOWN = 'test/support/global-teardown.ts'; // checks nothing was left behind, stops the test containers
const integrationGlobalSetup = {
  ...(fs.existsSync(path.join(__dirname, INTEGRATION_GLOBAL_SETUP)) ? { globalSetup: `<rootDir>/${INTEGRATION_GLOBAL_SETUP}` } : {}),
  ...(fs.existsSync(path.join(__dirname, INTEGRATION_GLOBAL_TEARDOWN)) ? { globalTeardown: `<rootDir>/${INTEGRATION_GLOBAL_TEARDOWN}` } : {}),
};

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
  moduleNameMapper: { '^@airan/(.*)$': '<rootDir>/libs/$1/src' },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Jest 29 reads testTimeout only from the top-level (global) config: inside a project it is ignored
  // with an "Unknown option" warning. The integration tests need 120 s; the unit tests never come close.
  testTimeout: 120000,
  // Jest's default is one worker per core but one: a single worker on a 2-core machine, where a one-worker run
  // left the cores idle about half of the time (integration suites wait on the processes they start, the
  // broker and timers). Each test file has its own database, topic prefix and (where it stops one) broker.
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
  projects: [
    {
      ...shared,
      displayName: 'unit',
      // test/support/*.spec.ts: the test infrastructure's own unit tests (e.g. test-infra.spec.ts).
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/support/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // Node's, plus the removal of each test file's topics and databases once the file is done.
      testEnvironment: '<rootDir>/test/support/isolation-environment.ts',
      ...integrationGlobalSetup,
    },
  ],
};
