import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Any console call in a test is a bug in the code under test: fail loudly.
    onConsoleLog: () => false,
  },
});
