/**
 * pprof takes Go (RE2) regular expressions on its command line and in its UI; people paste them
 * from pprof habits. This translates the RE2 spellings JavaScript lacks and rejects bad ones with
 * a ProfileError. Matching is unanchored, as Go's MatchString is.
 */
import { ProfileError } from './errors';

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** A compiled Go regular expression: does it match anywhere in `text`. */
export interface GoRegexp {
  test(text: string): boolean;
}

/** Compiles a Go regular expression; `what` names it in the error ("--focus", "hide"). */
export function compileGoRegexp(source: string, what: string): RegExp {
  let pattern = source;
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(pattern);
  if (leading) {
    const goFlags = leading[1] as string;
    if (goFlags.includes('U')) throw new ProfileError(`${what}: the (?U) flag of Go regular expressions is not supported`);
    flags = [...new Set(goFlags)].join('');
    pattern = pattern.slice(leading[0].length);
  }
  pattern = pattern
    .replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_m, literal: string) => literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, negate: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      if (cls === undefined) return m;
      return negate ? `^${cls}` : cls;
    });
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    const detail = (err as Error).message.replace(/^Invalid regular expression: /, '');
    throw new ProfileError(`${what}: invalid regular expression "${source}" (${detail})`);
  }
}
