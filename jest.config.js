/** Jest runs the TypeScript tests through ts-jest in transpile-only mode (isolatedModules in
 * tsconfig.base.json); `npm test` type-checks everything with tsc before Jest starts. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json" }] },
  // Pulumi's mock runtime keeps global state per process: one test file per worker process.
  maxWorkers: 2,
  testTimeout: 60000,
};
