// Jest runs the compiled ES modules (docs/design-notes.md, "Why tests run on compiled output"): NestJS 12 ships
// as ES modules only, and native ESM mode needs no rewriting of third-party code.
// BUILD_DIR lets parallel work build into its own folder; CI uses dist/.
const buildDir = process.env.BUILD_DIR ?? 'dist';

export default {
  rootDir: buildDir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.spec.js', '<rootDir>/libs/**/*.spec.js', '<rootDir>/apps/**/*.spec.js'],
  transform: {},
  moduleFileExtensions: ['js', 'json'],
  testTimeout: 60000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/setup/global-setup.js',
};
