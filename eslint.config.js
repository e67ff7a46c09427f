// Lint rules for every package: typescript-eslint recommended, plus the project's own bans (design §5).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/*.gen.ts", "**/*_pb.ts", "bench/results/**"] },
  js.configs.recommended,
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        URL: "readonly",
        performance: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": [
        "error",
        { selector: "ThrowStatement > Literal", message: "Throw an Error subclass, never a string." },
      ],
    },
  },
  {
    files: ["packages/asynq/src/**/*.ts"],
    ignores: ["**/*.test.ts", "packages/asynq/src/internal/clock.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "Date", property: "now", message: "Use the injected Clock." }],
      "no-console": "error",
    },
  },
);
