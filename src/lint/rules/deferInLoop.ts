import { escapingJumps, restAlwaysLeaves, restOfIteration, runsAtMostOnce } from '../../go/flow';
import { nodeRange, type SyntaxNode } from '../../go/parser';
import { calleePath, descendantsOfType, field, findByText, indentOf, indentUnit, isFunction, named } from '../../go/syntax';
import type { Fix } from '../types';
import { keptOnPurpose } from './deferInLoopKept';
import { defineRule, type RuleContext, type RuleFinding } from './rule';

/**
 * defer-in-loop: a `defer` inside a `for` loop of the same function body runs only when the function
 * returns, so whatever it releases piles up with every iteration. Function literals are boundaries.
 * Docs: docs/rules/defer-in-loop.md
 */
/** Where the rule's candidates are: the `defer` keyword. */
const DEFER = /\bdefer\b/;

export const deferInLoop = defineRule({
  id: 'defer-in-loop',
  summary: 'a `defer` in a loop runs only when the function returns: files, rows, locks, contexts pile up per iteration',
  severity: 'warning',
  quickFix: 'Move the loop body into a function literal',
  // Re-analysis as the user types (rule.ts RuleDependency).
  dependsOn: [],
  mayReport: (source) => DEFER.test(source),
  check(ctx: RuleContext): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const stmt of findByText(ctx.root, ctx.source, DEFER, 'defer_statement', 1)) {
      const loop = iteratingLoop(stmt);
      // `case done := <-stopc: defer close(done); break Loop`: deferred once.
      if (!loop || deferredOnce(stmt, loop) || keptOnPurpose(stmt, loop)) continue;
      const fixes: Fix[] = [];
      const fix = wrapBodyInFuncLiteral(ctx.source, loop);
      if (fix) fixes.push(fix);
      findings.push({
        message: message(stmt),
        range: nodeRange(stmt),
        fixes,
      });
    }
    return findings;
  },
});

/** Whether every path from the defer leaves `loop`, its nearest loop: the defer is registered once. */
function deferredOnce(stmt: SyntaxNode, loop: SyntaxNode): boolean {
  let nearest = stmt.parent;
  while (nearest && nearest.type !== 'for_statement') nearest = nearest.parent;
  return nearest?.id === loop.id && restAlwaysLeaves(restOfIteration(stmt, loop), loop);
}

/** The innermost enclosing loop of the same function whose body can run more than once. */
function iteratingLoop(stmt: SyntaxNode): SyntaxNode | null {
  for (let n = stmt.parent; n && !isFunction(n); n = n.parent) {
    if (n.type === 'for_statement' && !runsAtMostOnce(n)) return n;
  }
  return null;
}

function functionName(stmt: SyntaxNode): string {
  for (let n = stmt.parent; n; n = n.parent) {
    if (n.type === 'func_literal') return 'the enclosing function literal';
    if (n.type === 'function_declaration' || n.type === 'method_declaration') return field(n, 'name')?.text ?? 'the function';
  }
  return 'the function';
}

function message(stmt: SyntaxNode): string {
  const call = named(stmt)[0];
  const text = call ? call.text.replace(/\s+/g, ' ') : 'the deferred call';
  const shown = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  const fn = functionName(stmt);
  const path = call?.type === 'call_expression' ? calleePath(call) : null;
  const method = path?.[path.length - 1] ?? '';
  const subject = path && path.length > 1 ? path.slice(0, -1).join('.') : '';
  let what: string;
  if (method === 'Close' && subject) what = `every iteration's ${subject} stays open until then`;
  else if (/^R?Unlock$/.test(method) && subject) what = `${subject} stays locked from the first iteration on`;
  else if (/^cancel/i.test(method) && !subject) what = `every iteration's context and its resources stay alive until then`;
  else if (method === 'Stop' && subject) what = `every iteration's ${subject} keeps running until then`;
  else what = 'one deferred call per iteration piles up until then';
  return `\`defer ${shown}\` in a loop runs only when ${fn} returns, so ${what}.`;
}

/** Quick fix: the loop body becomes `func() { … }()`, so each iteration's defers run at its end. */
function wrapBodyInFuncLiteral(source: string, loop: SyntaxNode): Fix | null {
  const body = field(loop, 'body');
  if (!body || escapingJumps(body).length > 0) return null;
  const indent = indentOf(source, loop);
  const unit = indentUnit(indent);
  const inner = source.slice(body.startIndex + 1, body.endIndex - 1);
  const rawLines = rawStringContinuationLines(body);
  let content: string;
  if (!inner.includes('\n')) {
    content = `${indent}${unit}${unit}${inner.trim()}`;
  } else {
    const firstLine = body.startPosition.row + (/^[ \t]*\n/.test(inner) ? 1 : 0);
    const lines = inner.replace(/^[ \t]*\n/, '').replace(/\n[ \t]*$/, '').split('\n');
    content = lines
      .map((line, i) => (line.trim() === '' || rawLines.has(firstLine + i) ? line : `${unit}${line}`))
      .join('\n');
  }
  const newText = `{\n${indent}${unit}func() {\n${content}\n${indent}${unit}}()\n${indent}}`;
  return { title: 'Move the loop body into a function literal', edits: [{ range: nodeRange(body), newText }] };
}

/** Lines that continue a multi-line raw string: re-indenting them would change the string. */
function rawStringContinuationLines(node: SyntaxNode): Set<number> {
  const lines = new Set<number>();
  for (const s of descendantsOfType(node, 'raw_string_literal')) {
    for (let row = s.startPosition.row + 1; row <= s.endPosition.row; row++) lines.add(row);
  }
  return lines;
}
