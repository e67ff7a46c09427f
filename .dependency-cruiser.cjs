// Dependency rules of design.md §1, checked by `npm run check:deps` (part of `npm test`).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    {
      name: "asynq-core-is-lean",
      comment: "@vigil/asynq imports no HTTP framework, metrics library, UI or CLI library.",
      severity: "error",
      from: { path: "^packages/asynq/src" },
      to: {
        path: "node_modules/(hono|@hono|prom-client|react|react-dom|@tanstack|commander|yargs|ink|blessed|playwright-core)/",
      },
    },
    {
      name: "asynq-knows-no-edges",
      severity: "error",
      from: { path: "^packages/asynq/" },
      to: { path: "^packages/(console|ui|cli)/" },
    },
    {
      name: "edges-use-public-entry-only",
      comment: "Console and CLI use @vigil/asynq's public entry point, never its internals.",
      severity: "error",
      from: { path: "^packages/(console|cli|ui)/" },
      to: { path: "^packages/asynq/src/internal/" },
    },
    {
      name: "ui-only-types-from-console",
      severity: "error",
      from: { path: "^packages/ui/" },
      to: { path: "^packages/(console|asynq|cli)/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "services-never-see-rdb",
      comment: "Background loops see the Broker interface, never the Redis implementation.",
      severity: "error",
      from: { path: "^packages/asynq/src/internal/services/" },
      to: { path: "^packages/asynq/src/internal/rdb/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["vigil-source", "import", "default"] },
  },
};
