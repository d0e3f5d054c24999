/**
 * FORMAT `pattern` rules run on RE2 (re2js, a pure-JavaScript port): matching takes time linear
 * in the value, whatever the pattern. JavaScript's backtracking engine took 69 s for
 * `^(\w+\s?)*$` against 30 letters and a `!`, blocking the event loop during partner upserts
 * and syncs. RE2 has no backreferences or lookaround, so a pattern using them is refused when
 * the rule is saved, as is one whose compiled program is too large to stay cheap.
 */
import { RE2JS } from 're2js';

/** Characters of pattern source an admin may save. */
export const MAX_PATTERN_LENGTH = 500;
/** Instructions of the compiled program: matching costs up to this much per character of the value. */
export const MAX_PATTERN_PROGRAM = 1_000;
/** Values longer than this do not match a pattern rule: checking them would cost too much per record. */
export const MAX_PATTERN_VALUE = 10_000;

export type PatternCheck = { ok: true; pattern: RE2JS } | { ok: false; problem: string };

/** Compiles a rule's pattern (JavaScript syntax, as an admin writes it) for RE2, or names why it cannot be used. */
export function compileRulePattern(source: string): PatternCheck {
  if (source.length > MAX_PATTERN_LENGTH) return { ok: false, problem: `params.pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (err) {
    return {
      ok: false,
      problem: `params.pattern cannot run in linear time (RE2 has no backreferences or lookaround) or is not a valid regular expression: ${(err as Error).message}`,
    };
  }
  const size = (pattern.re2().prog as { numInst(): number }).numInst();
  if (size > MAX_PATTERN_PROGRAM) return { ok: false, problem: `params.pattern is too complex (${size} instructions compiled, at most ${MAX_PATTERN_PROGRAM})` };
  return { ok: true, pattern };
}

/** Compiled patterns by source: rules are checked per record, so each pattern compiles once. */
const compiled = new Map<string, RE2JS | null>();
const MAX_CACHED = 200;

/**
 * Whether the value matches the pattern anywhere (as RegExp.prototype.test). A pattern saved
 * before RE2 was used and that RE2 cannot run is unusable, and holds like any other invalid
 * pattern (undefined): the rule admin refuses such patterns now.
 */
export function patternMatches(source: string, value: string): boolean | undefined {
  let pattern = compiled.get(source);
  if (pattern === undefined) {
    const check = compileRulePattern(source);
    pattern = check.ok ? check.pattern : null;
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(source, pattern);
  }
  if (pattern === null) return undefined;
  return value.length <= MAX_PATTERN_VALUE && pattern.test(value);
}
