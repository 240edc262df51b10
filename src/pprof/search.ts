/**
 * The meaning of a flame-graph search term on both sides of the panel's channel: the page highlights
 * what matches, the host sums it. A module of its own so the page loads the regexp engine (re2js, a
 * linear-time RE2) only when someone searches, not before the graph's first paint.
 */
import { compileGoRegexp, type GoRegexp } from './goRegexp';

/**
 * A Go regular expression, as pprof takes them, matched case-insensitively; text that is not a valid
 * regexp is matched literally. Returns the Go pattern, or '' for an empty term.
 */
export function searchPattern(term: string): string {
  if (term === '') return '';
  try {
    compileGoRegexp(`(?i)${term}`, 'search');
    return `(?i)${term}`;
  } catch {
    return `(?i)${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  }
}

/** The search compiled, or undefined for an empty term. */
export function compileSearch(term: string): GoRegexp | undefined {
  const pattern = searchPattern(term);
  return pattern === '' ? undefined : compileGoRegexp(pattern, 'search');
}
