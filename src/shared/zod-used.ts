/**
 * The part of zod the package calls at run time: the entry of `dist/node/zod.cjs`, the one copy of zod
 * that Node's build ships, loaded on first use (src/shared/zod-on-demand.ts). Internal: not exported
 * from the package.
 *
 * Re-exporting only these names lets the bundle of that file keep only the zod code they reach (no
 * locales, no `zod/mini`). A source file that calls a zod function missing here fails Node's build
 * (esbuild's `import-is-undefined`, made an error in tsup.config.ts); add the name here, and the
 * compiler then asks for it in zod-on-demand.ts as well.
 */
export {
  array,
  boolean,
  custom,
  email,
  enum,
  globalRegistry,
  instanceof,
  int,
  iso,
  literal,
  number,
  object,
  partialRecord,
  record,
  regexes,
  strictObject,
  string,
  toJSONSchema,
  union,
  unknown,
} from 'zod';
