/**
 * How every handler is bundled, in one place: infra/lead-function.ts hands these options to the CDK
 * (NodejsFunction runs esbuild with them), and bench/bundles.bench.ts and the bundle tests build with
 * `handlerBuildOptions`, the same options in esbuild's API form. ESM, minified, external source map,
 * tree-shaken (esbuild's default when bundling; names not kept), dependencies' ESM builds first
 * (`module` before `main`, so their unused exports are dropped), the AWS SDK clients bundled.
 */
import type { BuildOptions } from 'esbuild';

/** Makes CommonJS dependencies that call `require` work inside the ESM bundle. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export const HANDLER_BUNDLE = {
  format: 'esm',
  /** The Lambda runtime (LAMBDA_RUNTIME in ./lead-function.ts). */
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  keepNames: false,
  sourceMap: 'external',
  sourcesContent: false,
  banner: ESM_REQUIRE_BANNER,
  /** Nothing external: the SDK clients are bundled too. */
  externalModules: [] as string[],
} as const;

/** `HANDLER_BUNDLE` as esbuild's build API takes it (what the CDK passes on its command line). */
export const handlerBuildOptions = (overrides: Pick<BuildOptions, 'external'> = {}): BuildOptions => ({
  bundle: true,
  platform: 'node',
  format: HANDLER_BUNDLE.format,
  target: HANDLER_BUNDLE.target,
  mainFields: [...HANDLER_BUNDLE.mainFields],
  minify: HANDLER_BUNDLE.minify,
  keepNames: HANDLER_BUNDLE.keepNames,
  treeShaking: true,
  sourcemap: HANDLER_BUNDLE.sourceMap,
  sourcesContent: HANDLER_BUNDLE.sourcesContent,
  banner: { js: HANDLER_BUNDLE.banner },
  external: overrides.external ?? [...HANDLER_BUNDLE.externalModules],
});
