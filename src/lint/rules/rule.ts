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

/**
 * What a rule's findings in one top-level declaration depend on besides the declaration's own text. The
 * language server re-analyzes only the declarations an edit touched and keeps the findings of the others
 * while nothing they depend on changed (src/lint/incremental.ts):
 * - `package`: the summaries of the files of the declaration's package (struct fields, package variables,
 *   function signatures and which parameters they close), its own file's imports included;
 * - `imports`: the summaries of other packages (a helper in another package that closes a body);
 * - `file`: any other text of the same file (a rule that reads other declarations' syntax directly).
 * An empty list: the declaration alone. A rule that declares nothing is run again on every change.
 */
export type RuleDependency = 'package' | 'imports' | 'file';

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
  /**
   * Names under which golangci-lint runs the same check (bodyclose for http-body-not-closed): a `//nolint:<name>`
   * a team already wrote silences this rule too (src/lint/suppression.ts).
   */
  readonly nolintAliases?: readonly string[];
  /**
   * `ctx.root` is the file, or (in the language server) one top-level declaration: a rule finds its
   * candidates under `ctx.root` (findByText does) and reports findings and fixes inside it.
   */
  check(ctx: RuleContext): RuleFinding[];
  /**
   * Whether the rule can report anything in a file with this text: a cheap test on the text (the words its
   * candidates are found by), no tree. Linting a package parses only the files some rule may report in (the
   * others only when a question about the package needs them), so it must never say no where `check` could
   * report. `index` holds the file's package (for names that come from it). Absent: the rule may report anywhere.
   */
  mayReport?(source: string, file: string, index: PackageIndex): boolean;
  /** What its findings depend on, for re-analysis as the user types (RuleDependency). */
  readonly dependsOn?: readonly RuleDependency[];
}

/** Declares a rule, keeping its id as a literal type (the union of ids is derived from the registry). */
export function defineRule<const Id extends string>(rule: Omit<Rule<Id>, 'docs'>): Rule<Id> {
  return { ...rule, docs: `docs/rules/${rule.id}.md` };
}
