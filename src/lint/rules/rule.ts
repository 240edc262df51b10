import type { SyntaxNode } from '../../go/parser';
import type { PackageIndex } from '../../go/packageIndex';
import type { TypeResolver } from '../../go/types';
import type { Fix, Range, Severity } from '../types';

/** Everything a rule sees: the parsed file, its package index and a type resolver for the file. */
export interface RuleContext {
  file: string;
  source: string;
  root: SyntaxNode;
  index: PackageIndex;
  resolver: TypeResolver;
}

/** What a rule reports; the engine adds the rule's id and severity. */
export interface RuleFinding {
  /** One sentence that names what leaks, specific to the case. */
  message: string;
  range: Range;
  fixes: Fix[];
}

/**
 * A lint rule and everything known about it (as go/analysis's Analyzer): the registry, the docs
 * links, SARIF, the CLI's --rule, and the test that checks package.json and the README all read it
 * from here. `check` is a pure function over one parsed file and its package index.
 */
export interface Rule<Id extends string = string> {
  readonly id: Id;
  /** One sentence: what leaks. The README's rule table, SARIF and the settings' enum descriptions show it. */
  readonly summary: string;
  /** The rule's page, relative to the repository and the packaged extension. */
  readonly docs: string;
  readonly severity: Severity;
  /** What the quick fix does, as the README's table says it; null when the rule offers none. */
  readonly quickFix: string | null;
  check(ctx: RuleContext): RuleFinding[];
}

/** Declares a rule, keeping its id as a literal type (the union of ids is derived from the registry). */
export function defineRule<const Id extends string>(rule: Omit<Rule<Id>, 'docs'>): Rule<Id> {
  return { ...rule, docs: `docs/rules/${rule.id}.md` };
}
