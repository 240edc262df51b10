/**
 * Linting a document as the user types: tree-sitter parses again only what an edit touched (Tree.edit, then
 * a parse with the old tree), and the rules run again only on the top-level declarations whose text
 * changed. The findings of the other declarations are kept while what each rule depends on (its
 * `dependsOn`: the package's summaries, other packages', the rest of the file) is unchanged, and moved
 * with their declaration. The file's summary in the package index is rebuilt the same way, declaration by
 * declaration, and replaced only when it changed, so typing in a function body leaves the index (and the
 * findings that depend on it) alone. No LSP or vscode import: the language server's worker drives it.
 */
import type { GoParser, SyntaxEdit, SyntaxNode, SyntaxTree } from '../go/parser';
import { emptySummary, summarizeDeclaration, type FileSummary, type PackageIndex } from '../go/packageIndex';
import { EMPTY_SCOPE, importsOf, TypeResolver } from '../go/types';
import { RULES } from './rules';
import type { Rule, RuleContext, RuleDependency } from './rules/rule';
import { Suppressions } from './suppression';
import type { Finding, LintOptions, Position, Range } from './types';

export interface IncrementalLint {
  findings: Finding[];
  /** `rule X failed: …` for rules that threw (on some declaration); their other findings stand. */
  ruleErrors: string[];
  timing: {
    parseMs: number;
    analyzeMs: number;
    /** Parsed with the previous tree (false: a full parse). */
    incremental: boolean;
    declarations: number;
    /** Declarations at least one rule ran on again. */
    reanalyzed: number;
  };
}

/** A rule's findings in one declaration, positions relative to the declaration's start. */
interface KeptFindings {
  /** What the rule depended on when it ran (see fingerprint). */
  dependencies: string;
  findings: Finding[];
}

/** What is kept of one top-level declaration, by its text. */
interface SummaryPart {
  imports: string;
  part: FileSummary;
  text?: string;
}

interface Declaration {
  /** Its part of the file's summary (and that part as text, once compared), for the imports they were made with. */
  summary?: SummaryPart;
  rules: Map<string, KeptFindings>;
}

const EVERYTHING: readonly RuleDependency[] = ['package', 'imports', 'file'];

/** A rule runs once over the whole file when more than a quarter of the declarations need it again. */
const STALE_SHARE_FOR_WHOLE_FILE = 4;

export class IncrementalDocument {
  private tree: SyntaxTree | undefined;
  /** The tree has edits a parse has not seen yet. */
  private edited = false;
  private declarations = new Map<string, Declaration>();
  /** Counts edits: the `file` dependency. */
  private textVersion = 0;
  /** Counts lints, so a declaration with a syntax error gets a key of its own each time. */
  private lints = 0;
  /** What went wrong in this lint outside the rules. */
  private problems: string[] = [];
  private summaryParts: { packageName: string; parts: SummaryPart[] } | undefined;

  constructor(
    readonly file: string,
    private readonly parser: GoParser,
    private readonly index: PackageIndex,
    private readonly rules: readonly Rule[] = RULES,
    /** Parse the whole text and analyze every declaration on each lint, keeping nothing: the benchmark's anchor. */
    private readonly keepNothing = false,
  ) {}

  /** The text changed at this place (offsets and points in UTF-16 units, as LSP and tree-sitter count). */
  edit(edit: SyntaxEdit): void {
    this.textVersion++;
    if (!this.tree) return;
    this.tree.edit(edit);
    this.edited = true;
  }

  /** The whole text was replaced: the next lint parses it from scratch. */
  replaced(): void {
    this.textVersion++;
    this.tree?.delete();
    this.tree = undefined;
  }

  /** Lints `text`, which must be the text after every edit reported so far. */
  lint(text: string, options: LintOptions = {}): IncrementalLint {
    if (this.keepNothing) {
      this.replaced();
      this.declarations.clear();
      this.summaryParts = undefined;
    }
    const parseStart = performance.now();
    const incremental = this.tree !== undefined && this.edited;
    if (!this.tree || this.edited) {
      const next = this.parser.parse(text, this.tree);
      this.tree?.delete();
      this.tree = next;
      this.edited = false;
    }
    const root = this.tree.rootNode;
    const analyzeStart = performance.now();

    const units = topLevelDeclarations(root, text);
    // The same text can parse as something else where tree-sitter recovers from an error before it (a
    // function declaration read as a function literal): the node's type is part of the key, and a node
    // with an error in it is never reused, since its shape depends on the text around it.
    this.lints++;
    const keys = units.map((u) => `${u.node.hasError ? `!${this.lints}` : ''}${u.node.type}:${declarationKey(text, u.startIndex, u.endIndex)}`);
    const previous = this.declarations;
    this.declarations = new Map();
    const declarations = keys.map((key) => {
      let d = this.declarations.get(key) ?? previous.get(key);
      if (!d) d = { rules: new Map() };
      this.declarations.set(key, d);
      return d;
    });

    this.problems = [];
    this.updateSummary(text, units, declarations);

    const fingerprints: Record<RuleDependency, string> = {
      package: this.index.packageOf(this.file).map((s) => this.index.stampOf(s.file)).join(','),
      imports: String(this.index.generation),
      file: String(this.textVersion),
    };
    const summary = this.index.summaryOf(this.file);
    const ctx: Omit<RuleContext, 'root'> = {
      file: this.file,
      source: text,
      index: this.index,
      resolver: new TypeResolver(summary?.imports ?? importsOf(units.filter((u) => u.kind === 'import').map((u) => u.node)), this.index.scopeFor(this.file)),
    };
    const disabled = new Set(options.disabledRules ?? []);
    // Test files left out (goroscope.lint.tests off): indexed as ever (their helpers count), no rule reports.
    if (options.tests === false && this.file.endsWith('_test.go')) for (const rule of this.rules) disabled.add(rule.id);
    const ruleErrors = new Set<string>();
    const reanalyzed = new Set<number>();
    const findings: Finding[] = [];
    for (const rule of this.rules) {
      if (disabled.has(rule.id)) continue;
      const dependencies = (rule.dependsOn ?? EVERYTHING).map((d) => fingerprints[d]).join('|');
      const stale: number[] = [];
      units.forEach((unit, i) => {
        const kept = (declarations[i] as Declaration).rules.get(rule.id);
        if (kept && kept.dependencies === dependencies) for (const f of kept.findings) findings.push(moveFinding(f, unit.start, 1));
        else stale.push(i);
      });
      if (stale.length === 0) continue;
      for (const i of stale) reanalyzed.add(i);
      const check = (root: SyntaxNode): Finding[] | undefined => {
        try {
          return rule.check({ ...ctx, root }).map((f) => ({ rule: rule.id as Finding['rule'], severity: rule.severity, ...f }));
        } catch (err) {
          ruleErrors.add(`rule ${rule.id} failed: ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        }
      };
      // Many declarations to analyze (the first lint, a dependency changed): one run over the file costs
      // less than one per declaration; its findings are then shared out to the declarations they are in.
      const byUnit = stale.length * STALE_SHARE_FOR_WHOLE_FILE > units.length ? shareOut(check(root), units, stale) : undefined;
      for (const i of stale) {
        const unit = units[i] as Unit;
        const d = declarations[i] as Declaration;
        const found = byUnit ? byUnit.get(i) : check(unit.node);
        if (!found) {
          d.rules.delete(rule.id);
          continue;
        }
        findings.push(...found);
        // A finding or fix outside its declaration cannot be moved with it: that rule runs again next time.
        if (found.every((f) => allRangesWithin(f, unit))) {
          d.rules.set(rule.id, { dependencies, findings: found.map((f) => moveFinding(f, unit.start, -1)) });
        } else {
          d.rules.delete(rule.id);
        }
      }
    }
    let kept = findings;
    if (findings.length > 0) {
      const suppressions = new Suppressions(text);
      kept = findings.filter((f) => !suppressions.isSuppressed(f.rule, f.range.start.line, this.rules.find((r) => r.id === f.rule)?.nolintAliases));
    }
    const end = performance.now();
    return {
      // The order lintTree gives (engine.ts), so a full lint and this one agree.
      findings: kept.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule)),
      ruleErrors: [...this.problems, ...ruleErrors],
      timing: { parseMs: analyzeStart - parseStart, analyzeMs: end - analyzeStart, incremental, declarations: units.length, reanalyzed: reanalyzed.size },
    };
  }

  /** Frees the tree but keeps what was found: the next lint parses the whole text again, and analyzes only what changed. */
  releaseTree(): void {
    this.tree?.delete();
    this.tree = undefined;
  }

  /** Frees the tree. */
  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.declarations.clear();
  }

  /**
   * The file's summary from its declarations' parts (each summarized again only when its text or the
   * file's imports changed), put into the index only when it differs from what is there.
   */
  private updateSummary(source: string, units: Unit[], declarations: Declaration[]): void {
    const imports = importsOf(units.filter((u) => u.kind === 'import').map((u) => u.node));
    const importsText = JSON.stringify([...imports]);
    const packageClause = units.find((u) => u.kind === 'package')?.node;
    // The package clause's name, as packageNameOf reads it from the root.
    const packageName = packageClause?.namedChildren[0]?.text ?? '';
    const resolver = new TypeResolver(imports, EMPTY_SCOPE);
    const parts = units.map((unit, i) => {
      const d = declarations[i] as Declaration;
      if (d.summary?.imports !== importsText) {
        let part = emptySummary(this.file, packageName, imports);
        try {
          summarizeDeclaration(unit.node, source, imports, resolver, part);
        } catch (err) {
          // A declaration too odd to summarize (nested beyond the stack) adds nothing; the others still count.
          part = emptySummary(this.file, packageName, imports);
          this.problems.push(`summarizing the declaration at line ${unit.start.row + 1} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        d.summary = { imports: importsText, part };
      }
      return d.summary;
    });
    // The same parts in the same order (typing in a body): the summary is what it was.
    const previous = this.summaryParts;
    this.summaryParts = { packageName, parts };
    if (previous && this.index.has(this.file) && previous.packageName === packageName && previous.parts.length === parts.length && previous.parts.every((p, i) => p === parts[i])) return;
    // Different parts (an edited declaration) may still make the same summary (an edit inside a body): compare
    // them as text, and replace the index's only when it changed. The first lint has nothing to compare.
    if (previous && this.index.has(this.file) && previous.packageName === packageName && sameSummaryParts(previous.parts, parts)) return;
    const summary = emptySummary(this.file, packageName, imports);
    for (const { part } of parts) {
      for (const [k, v] of part.types) summary.types.set(k, v);
      for (const [k, v] of part.structs) summary.structs.set(k, v);
      for (const [k, v] of part.vars) summary.vars.set(k, v);
      for (const [k, v] of part.funcs) summary.funcs.set(k, v);
      for (const c of part.stopChannels) summary.stopChannels.add(c);
    }
    this.index.put(summary);
  }
}

/**
 * A top-level declaration with the text after it up to the next one (blank lines, comments). Read from
 * the root's named children, fetched from tree-sitter at once; kinds are told from the text, since every
 * property of a node asked for is a call into WebAssembly.
 */
interface Unit {
  node: SyntaxNode;
  kind: 'package' | 'import' | 'declaration';
  startIndex: number;
  /** Where the next declaration starts (or the end of the text). */
  endIndex: number;
  start: { row: number; column: number };
  end: { row: number; column: number };
}

const END_OF_TEXT = { row: Number.MAX_SAFE_INTEGER, column: 0 };

function topLevelDeclarations(root: SyntaxNode, text: string): Unit[] {
  const children = root.namedChildren.filter((c): c is SyntaxNode => c !== null);
  const units: Unit[] = [];
  for (const node of children) {
    const at = node.startIndex;
    // A comment belongs to the declaration before it (or is no declaration, at the top).
    if (text.startsWith('//', at) || text.startsWith('/*', at)) continue;
    const kind = text.startsWith('package', at) ? 'package' : text.startsWith('import', at) ? 'import' : 'declaration';
    const previous = units[units.length - 1];
    if (previous) {
      previous.endIndex = at;
      previous.end = node.startPosition;
    }
    units.push({ node, kind, startIndex: at, endIndex: text.length, start: node.startPosition, end: END_OF_TEXT });
  }
  return units;
}

/** The parts' summaries as one text (each part's computed once), with the imports they were made with. */
/** Whether two lists of parts make the same summary: part by part, as text (each part's text made once). */
function sameSummaryParts(a: SummaryPart[], b: SummaryPart[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i] || (p.imports === b[i]?.imports && summaryPartText(p) === summaryPartText(b[i] as SummaryPart)));
}

function summaryPartText(p: SummaryPart): string {
  p.text ??= JSON.stringify([[...p.part.types], [...p.part.structs].map(([k, v]) => [k, [...v]]), [...p.part.vars], [...p.part.funcs], [...p.part.stopChannels]]);
  return p.text;
}

/**
 * A declaration's identity: its length and two 32-bit hashes of its text. Keeping the text itself would
 * keep alive every version of the document a declaration was first seen in (a slice refers to its string).
 */
export function declarationKey(text: string, start: number, end: number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 + c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return `${end - start}:${(h1 >>> 0).toString(36)}:${(h2 >>> 0).toString(36)}`;
}

/**
 * The findings of a run over the whole file, by the stale declaration they start in (findings in
 * declarations that were not stale are dropped: those keep theirs). Undefined when the rule failed.
 */
function shareOut(found: Finding[] | undefined, units: Unit[], stale: number[]): Map<number, Finding[]> | undefined {
  if (!found) return undefined;
  const byUnit = new Map<number, Finding[]>(stale.map((i) => [i, []]));
  for (const f of found) {
    // The last declaration starting at or before the finding.
    let lo = 0;
    let hi = units.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const start = (units[mid] as Unit).start;
      if (before({ line: f.range.start.line, character: f.range.start.character }, { line: start.row, character: start.column })) hi = mid - 1;
      else lo = mid;
    }
    byUnit.get(lo)?.push(f);
  }
  return byUnit;
}

/** Every range of the finding and of its fixes' edits lies inside the declaration. */
function allRangesWithin(f: Finding, unit: Unit): boolean {
  const first = { line: unit.start.row, character: unit.start.column };
  const last = { line: unit.end.row, character: unit.end.column };
  const inside = (r: Range) => !before(r.start, first) && !before(last, r.end);
  return inside(f.range) && f.fixes.every((fix) => fix.edits.every((e) => inside(e.range)));
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Moves a finding to (sign 1) or from (sign -1) positions relative to a declaration starting at `start`. */
function moveFinding(f: Finding, start: { row: number; column: number }, sign: 1 | -1): Finding {
  const move = (p: Position): Position => {
    if (sign === -1) return { line: p.line - start.row, character: p.line === start.row ? p.character - start.column : p.character };
    return { line: p.line + start.row, character: p.line === 0 ? p.character + start.column : p.character };
  };
  const range = (r: Range): Range => ({ start: move(r.start), end: move(r.end) });
  return { ...f, range: range(f.range), fixes: f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, range: range(e.range) })) })) };
}
