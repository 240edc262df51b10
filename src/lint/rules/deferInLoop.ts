import { escapingJumps, restAlwaysLeaves, restOfIteration, runsAtMostOnce } from '../../go/flow';
import { nodeRange, type SyntaxNode } from '../../go/parser';
import { calleePath, contains, descendantsOfType, field, findByText, indentOf, indentUnit, isFunction, named, statements, unparen } from '../../go/syntax';
import type { Fix } from '../types';
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

/**
 * Whether the code means what it deferred to live until the function returns, so nothing piles up by
 * mistake (docs/rules/defer-in-loop.md, "Not reported"): the loop releases it itself, the loop walks
 * what the function already holds, something outlives the iteration with it (a collection, a goroutine,
 * a callback registered on it), or the iteration never uses it (held open on purpose).
 */
function keptOnPurpose(stmt: SyntaxNode, loop: SyntaxNode): boolean {
  const call = unparen(named(stmt)[0] ?? stmt);
  const body = field(loop, 'body');
  if (call.type !== 'call_expression' || !body) return false;
  const fn = field(call, 'function');
  // `defer delete(m, k)`: a map entry, nothing that is acquired and held.
  if (fn?.type === 'identifier' && fn.text === 'delete') return true;
  if (releasedBeforeReacquiring(body, stmt, call, fn) || releasedEachIteration(body, stmt, call)) return true;
  const declared = declaredIn(loop);
  const subject = fn?.type === 'selector_expression' ? field(fn, 'operand') : null;
  // `defer conns[i].Close()`, `defer clients[i].nc.Close()`: an element of a collection the function keeps.
  if (subject && descendantsOfType(subject, 'index_expression').some((ix) => !declared.has(rootIdentifier(ix) ?? ''))) return true;
  const resources = resourceNames(call, fn, subject, body, declared);
  // `for _, name := range files { lock(name); defer unlock(name) }`, `defer tc.conn.Close()`: what the loop walks.
  const ranged = rangeValue(loop);
  if (ranged && (resources.has(ranged) || [...resources].some((r) => partOf(body, r, ranged)))) return true;
  if (resources.size === 0) return false;
  if (outlivesIteration(body, resources, declared)) return true;
  // `for i := 0; i < 4; i++ { c := dial(); defer c.Close() }`: a count of things the iteration never uses
  // is held for its own sake (connections that fill a server). Only a resource named by itself
  // (`c.Close()`, not `resp.Body.Close()`), never a file (`os.Open`: opened to be read or written), and
  // not in a walk over inputs (`for _, p := range paths`).
  const heldWhole = subject ? subject.type === 'identifier' : fn?.type === 'identifier';
  return heldWhole && isCounted(loop) && !openedByOs(body, resources) && !usedElsewhere(body, resources);
}

/**
 * `conn.Close()` (or `if err := f.Close(); …`) before `conn, err = dial()` and `defer conn.Close()`: the
 * loop releases the previous value itself before it acquires the next; the defer covers the last one.
 * A release on an error path after the acquisition does not count.
 */
function releasedBeforeReacquiring(body: SyntaxNode, stmt: SyntaxNode, call: SyntaxNode, fn: SyntaxNode | null): boolean {
  const root = fn?.type === 'identifier' ? fn.text : fn?.type === 'selector_expression' ? rootIdentifier(field(fn, 'operand') ?? fn) : null;
  if (!root) return false;
  const acquired = descendantsOfType(body, ['short_var_declaration', 'assignment_statement'])
    .filter((a) => a.endIndex <= stmt.startIndex && named(field(a, 'left')).some((l) => l.text === root))
    .pop();
  if (!acquired) return false;
  const text = flat(call.text);
  return callsOfLoop(body).some((c) => c.endIndex <= acquired.startIndex && flat(c.text) === text);
}

/** `for i := 0; i < n; i++`: a loop that counts. */
function isCounted(loop: SyntaxNode): boolean {
  const clause = named(loop).find((c) => c.type === 'for_clause');
  return !!clause && !!field(clause, 'update');
}

/** Whether one of `names` is declared from a call of package `os` (`f, err := os.Open(p)`). */
function openedByOs(body: SyntaxNode, names: Set<string>): boolean {
  return descendantsOfType(body, 'short_var_declaration').some((decl) => {
    if (!named(field(decl, 'left')).some((l) => names.has(l.text))) return false;
    const value = named(field(decl, 'right'))[0];
    const call = value ? unparen(value) : null;
    return call?.type === 'call_expression' && calleePath(call)?.[0] === 'os';
  });
}

/** `defer nc.Close()` … `nc.Close()` as a statement of the loop's body: every iteration releases it itself. */
function releasedEachIteration(body: SyntaxNode, stmt: SyntaxNode, call: SyntaxNode): boolean {
  const text = flat(call.text);
  return statements(body).some((st) => st.id !== stmt.id && st.type === 'expression_statement' && flat(st.text) === text);
}

/** `recvq := s.sys.recvq` in `for _, s := range servers`: `name` is a part of the range's value, not something acquired. */
function partOf(body: SyntaxNode, name: string, ranged: string): boolean {
  return descendantsOfType(body, 'short_var_declaration').some((decl) => {
    const left = named(field(decl, 'left'));
    const right = named(field(decl, 'right'));
    const i = left.findIndex((l) => l.text === name);
    const value = i >= 0 && right.length === left.length ? right[i] : undefined;
    return !!value && (value.type === 'selector_expression' || value.type === 'identifier') && rootIdentifier(value) === ranged;
  });
}

/**
 * What the deferred call releases, among the names the loop declares: `x` of `x.Close()` or
 * `x.f.Close()`, the context beside `cancel` in `ctx, cancel := …`, the names a deferred function
 * literal uses, the arguments of `os.Remove(f.Name())`.
 */
function resourceNames(call: SyntaxNode, fn: SyntaxNode | null, subject: SyntaxNode | null, body: SyntaxNode, declared: Set<string>): Set<string> {
  const names = new Set<string>();
  const addUsed = (node: SyntaxNode) => {
    for (const id of descendantsOfType(node, 'identifier')) if (declared.has(id.text)) names.add(id.text);
  };
  if (fn?.type === 'func_literal') {
    addUsed(fn);
    return names;
  }
  if (subject) {
    const root = rootIdentifier(subject);
    if (root && declared.has(root)) {
      names.add(root);
      // `conn, reader := dial()`: what the same declaration made with it goes with it.
      for (const sibling of declaredWith(body, root)) names.add(sibling);
    }
    // A package's function (`os.Remove(path)`) or a method of something declared outside: its arguments.
    if (names.size === 0) addUsed(field(call, 'arguments') ?? call);
    return names;
  }
  if (fn?.type === 'identifier' && declared.has(fn.text)) {
    for (const sibling of declaredWith(body, fn.text)) names.add(sibling);
    return names;
  }
  addUsed(field(call, 'arguments') ?? call);
  return names;
}

/** The other names (`_` and `err` aside) of the `:=` in `body` that declares `name`. */
function declaredWith(body: SyntaxNode, name: string): string[] {
  for (const decl of descendantsOfType(body, 'short_var_declaration')) {
    const left = named(field(decl, 'left')).map((n) => n.text);
    if (left.includes(name)) return left.filter((n) => n !== name && n !== '_' && n !== 'err');
  }
  return [];
}

/**
 * Whether something the iteration made from `resources` lives on after it: stored in an outer slice or
 * map (as an element or a key), appended to an outer slice, sent on a channel, handed to a goroutine,
 * or given a callback (`nc.Subscribe(subj, func(m *Msg) { … })`: the resource keeps working for it).
 */
function outlivesIteration(body: SyntaxNode, resources: Set<string>, declared: Set<string>): boolean {
  const derived = new Set(resources);
  const mentions = (n: SyntaxNode | null) => !!n && descendantsOfType(n, 'identifier').some((id) => derived.has(id.text));
  for (const assign of descendantsOfType(body, ['short_var_declaration', 'assignment_statement'])) {
    const left = named(field(assign, 'left'));
    const right = field(assign, 'right');
    for (const target of left) {
      if (target.type === 'index_expression') {
        const root = rootIdentifier(target);
        if (root && !declared.has(root) && (mentions(right) || mentions(target))) return true;
      } else if (target.type === 'identifier' && mentions(right)) {
        if (target.text === '_' || target.text === 'err') continue;
        if (declared.has(target.text)) derived.add(target.text);
        else if (isAppendTo(right, target.text)) return true;
      }
    }
  }
  if (descendantsOfType(body, 'send_statement').some((send) => mentions(field(send, 'value')))) return true;
  if (descendantsOfType(body, 'go_statement').some((g) => mentions(g))) return true;
  return callsOfLoop(body).some((c) => {
    const f = field(c, 'function');
    const operand = f?.type === 'selector_expression' ? field(f, 'operand') : null;
    return !!operand && mentions(operand) && named(field(c, 'arguments')).some((a) => a.type === 'func_literal');
  });
}

function isAppendTo(right: SyntaxNode | null, name: string): boolean {
  const value = right ? named(right)[0] : undefined;
  const call = value ? unparen(value) : null;
  return call?.type === 'call_expression' && field(call, 'function')?.text === 'append' && named(field(call, 'arguments'))[0]?.text === name;
}

/** Whether the iteration reads any of `names` outside its defers (declaring or assigning them is no use). */
function usedElsewhere(body: SyntaxNode, names: Set<string>): boolean {
  const defers = descendantsOfType(body, 'defer_statement');
  return descendantsOfType(body, 'identifier').some((id) => {
    if (!names.has(id.text) || defers.some((d) => contains(d, id))) return false;
    const p = id.parent;
    const holder = p?.type === 'expression_list' ? p.parent : null;
    const assigned = (holder?.type === 'short_var_declaration' || holder?.type === 'assignment_statement') && field(holder, 'left')?.id === p?.id;
    return !assigned;
  });
}

/** The value variable of a `for _, v := range xs` loop: an element of something the function already holds. */
function rangeValue(loop: SyntaxNode): string | null {
  const clause = named(loop).find((c) => c.type === 'range_clause');
  const left = clause ? named(field(clause, 'left')) : [];
  const value = left.length === 2 ? left[1] : null;
  return value?.type === 'identifier' && value.text !== '_' ? value.text : null;
}

/** Names the loop declares: its clause's variables and every `:=` and `var` in its body. */
function declaredIn(loop: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (const decl of descendantsOfType(loop, ['short_var_declaration', 'range_clause'])) {
    if (decl.type === 'range_clause' && decl.parent?.id !== loop.id) continue;
    for (const n of named(field(decl, 'left'))) if (n.type === 'identifier') names.add(n.text);
  }
  for (const spec of descendantsOfType(loop, 'var_spec')) for (const n of spec.childrenForFieldName('name')) if (n) names.add(n.text);
  return names;
}

/** Calls in the loop body outside function literals and defers (a deferred closure's calls are not the loop's). */
function callsOfLoop(body: SyntaxNode): SyntaxNode[] {
  return descendantsOfType(body, 'call_expression').filter((c) => {
    for (let n = c.parent; n && n.id !== body.id; n = n.parent) if (isFunction(n) || n.type === 'defer_statement') return false;
    return true;
  });
}

function rootIdentifier(expr: SyntaxNode): string | null {
  let e: SyntaxNode | null = expr;
  while (e && e.type !== 'identifier') e = field(e, 'operand');
  return e?.text ?? null;
}

function flat(text: string): string {
  return text.replace(/\s+/g, '');
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
