// Test projects: unit (no Redis, simulated clock), integration (real redis-server started by the global setup),
// cluster (the core suites again, against a private 3-master Redis Cluster) and heavy (tests that load the
// whole machine: worker processes killed at random, Redis restarts and outages, a million tasks, scheduler
// replicas). `npm test` runs heavy on its own afterwards, one file at a time, so it never shares the machine
// with tests that measure time.
import { defineConfig } from "vitest/config";

const resolve = { conditions: ["vigil-source", "node", "import", "default"] };
const heavy = [
  "packages/asynq/test/reliability/**/*.int.test.ts",
  "packages/asynq/test/search-scale.int.test.ts",
  "packages/asynq/test/scheduler-ha.int.test.ts",
];
const ssr = { resolve: { conditions: ["vigil-source", "node", "import", "default"] } };

export default defineConfig({
  test: {
    reporters: process.env.CI ? ["default"] : ["default"],
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.compat.test.ts", "**/*.cluster.test.ts", "**/node_modules/**"],
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: "integration",
          include: [
            "packages/*/src/**/*.int.test.ts",
            "packages/*/test/**/*.int.test.ts",
            "packages/*/test/**/*.compat.test.ts",
          ],
          exclude: [...heavy, "**/node_modules/**"],
          globalSetup: ["packages/asynq/test/support/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: "heavy",
          include: heavy,
          globalSetup: ["packages/asynq/test/support/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: "cluster",
          include: ["packages/*/test/**/*.cluster.test.ts"],
          globalSetup: ["packages/asynq/test/support/cluster-global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
