/**
 * pprof takes Go (RE2) regular expressions on its command line and in its UI; people paste them from
 * pprof habits. They are compiled by re2js, a port of RE2 (Go's regexp syntax and meaning, leftmost
 * first), which matches in time linear in the text: a pattern that backtracks badly in a backtracking
 * engine — `(a+)+$`, `(x|x)*y` — costs a search no more than a simple one, in the worker, in the panel's
 * page and in report.html alike. Matching is unanchored, as Go's MatchString is. No Node-only import.
 */
import { RE2JS } from 're2js';
import { ProfileError } from './errors';

/** A compiled Go regular expression: does it match anywhere in `text`. */
export interface GoRegexp {
  test(text: string): boolean;
}

/** Compiles a Go regular expression; `what` names it in the error ("--focus", "hide"). */
export function compileGoRegexp(source: string, what: string): GoRegexp {
  try {
    return RE2JS.compile(source);
  } catch (err) {
    const detail = (err as Error).message.replace(/^error parsing regexp: /, '');
    throw new ProfileError(`${what}: invalid regular expression "${source}" (${detail})`);
  }
}
