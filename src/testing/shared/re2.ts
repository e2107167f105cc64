/**
 * The regular-expression engine of the Logging and Monitoring stand-ins: RE2JS, a port of RE2, the
 * engine Cloud Logging and Cloud Monitoring run. It matches in time linear in the text (a pattern
 * such as `(a+)+$` cannot freeze the test process, as it would with JavaScript's backtracking
 * `RegExp`), reads RE2's syntax (`\pL`, `[[:digit:]]`, `\Q...\E`, `(?i:...)`) and refuses what RE2
 * refuses (lookaround, backreferences, repeat counts over 1000).
 * @module
 */
import { type PatternCompiler, Re2PatternError } from '../../monitoring/filter/index.js';
import { importPeers, interop, once } from './peers.js';

/** Loads RE2JS (an optional peer of the stand-ins) once, as a pattern compiler for `parseFilter`. */
export const loadRe2Compiler: () => Promise<PatternCompiler> = once(async () => {
  const [{ RE2JS }] = await importPeers('Cloud Logging / Cloud Monitoring', ['re2js'], () =>
    Promise.all([import('re2js').then(interop)]),
  );
  return (pattern, whole) => {
    let compiled: InstanceType<typeof RE2JS>;
    try {
      compiled = RE2JS.compile(pattern);
    } catch (error) {
      throw new Re2PatternError((error as Error).message.replace(/^error parsing regexp: /, ''));
    }
    return {
      test: (text: string) => (whole ? compiled.matches(text) : compiled.matcher(text).find()),
    };
  };
});
