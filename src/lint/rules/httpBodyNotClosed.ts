import { nodeRange, type SyntaxNode } from '../../go/parser';
import {
  BREAKABLE_TYPES,
  calleePath,
  descendantsOfType,
  field,
  indentOf,
  isFunction,
  isTerminatingCall,
  labelTarget,
  named,
  statements,
  unparen,
  contains,
  findByText,
} from '../../go/syntax';
import { HTTP_CLIENT } from '../../go/types';
import type { Fix } from '../types';
import { defineRule, type RuleContext, type RuleFinding } from './rule';

/**
 * http-body-not-closed: an *http.Response from net/http whose Body is not closed on some path after
 * the error check. Handing the response on (returning it, storing it, sending it, passing it to a
 * workspace function that closes it) is not a leak. Docs: docs/rules/http-body-not-closed.md
 */
export const httpBodyNotClosed = defineRule({
  id: 'http-body-not-closed',
  summary: 'an `*http.Response` whose `Body` is not closed on some path: connection, buffers and transport goroutines',
  severity: 'warning',
  quickFix: 'Close the response body',
  // Re-analysis as the user types (rule.ts RuleDependency).
  dependsOn: ['package', 'imports'],
  check(ctx: RuleContext): RuleFinding[] {
    const findings: RuleFinding[] = [];
    // `.Get(`, `.Do(`… as the source spells them: the selector's field, then up to its call.
    for (const call of findByText(ctx.root, ctx.source, /\.\s*(?:Do|Get|Head|Post|PostForm)\s*\(/, 'call_expression', 3)) {
      const origin = responseCall(ctx, call);
      if (!origin) continue;
      const verdict = analyze(ctx, call);
      if (!verdict) continue;
      findings.push({
        message: messageFor(verdict, origin),
        range: nodeRange(call),
        fixes: verdict.fix ? [verdict.fix] : [],
      });
    }
    return findings;
  },
});

const CLIENT_METHODS = new Set(['Do', 'Get', 'Head', 'Post', 'PostForm']);
const PACKAGE_FUNCS = new Set(['Get', 'Head', 'Post', 'PostForm']);

/** `http.Get` or `client.Do` as written, when `call` returns a network *http.Response; else null. */
function responseCall(ctx: RuleContext, call: SyntaxNode): string | null {
  const fn = field(call, 'function');
  if (!fn || fn.type !== 'selector_expression') return null;
  const operand = field(fn, 'operand');
  const name = field(fn, 'field')?.text;
  if (!operand || !name || !CLIENT_METHODS.has(name)) return null;
  if (operand.type === 'identifier' && ctx.resolver.importPathOf(operand.text, operand) === 'net/http') {
    return PACKAGE_FUNCS.has(name) ? fn.text : null;
  }
  const type = ctx.resolver.typeOf(operand)?.[0];
  if (type === HTTP_CLIENT || type === 'net/http.Client') return fn.text.replace(/\s+/g, '');
  return null;
}

interface Verdict {
  kind: 'discarded' | 'never' | 'somePaths';
  variable: string | null;
  fix: Fix | null;
}

function messageFor(v: Verdict, origin: string): string {
  switch (v.kind) {
    case 'discarded':
      return `The response from ${origin} is discarded without closing its body, so its connection and buffers leak.`;
    case 'never':
      return `The body of \`${v.variable}\` (from ${origin}) is never closed, so its connection and buffers leak.`;
    case 'somePaths':
      return `The body of \`${v.variable}\` (from ${origin}) is not closed on every path after the error check, so on the others its connection and buffers leak.`;
  }
}

/** Where the response goes, and whether some path after the error check leaves its body open. */
function analyze(ctx: RuleContext, call: SyntaxNode): Verdict | null {
  let expr = call;
  while (expr.parent?.type === 'parenthesized_expression') expr = expr.parent;
  const parent = expr.parent;
  if (!parent) return null;
  if (parent.type === 'expression_statement') return { kind: 'discarded', variable: null, fix: null };
  if (parent.type !== 'expression_list') return null; // an argument, a field value, …: handed on
  const stmt = parent.parent;
  if (!stmt || (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement')) return null;
  if (field(stmt, 'right')?.id !== parent.id || named(parent).length !== 1) return null;
  const left = named(field(stmt, 'left'));
  const target = left[0];
  if (!target) return null;
  if (target.type !== 'identifier') return null; // stored in a field, map or slice: handed on
  const variable = target.text;
  const errName = left[1]?.type === 'identifier' && left[1].text !== '_' ? left[1].text : null;
  if (variable === '_') return { kind: 'discarded', variable: null, fix: null };
  const fn = enclosingFunctionOf(stmt);
  if (!fn) return null;
  let declNode: SyntaxNode = stmt;
  if (stmt.type === 'assignment_statement') {
    const decl = ctx.resolver.lookup(variable, target);
    if (decl) declNode = decl.node;
    // Assigned to a package-level variable or one captured from an enclosing function: handed on.
    if (!decl || decl.kind === 'package' || (decl.owner && isFunction(decl.owner) && decl.owner.id !== fn.id) || (decl.owner && !contains(fn, decl.owner))) {
      return null;
    }
  }
  const tracker = new Tracker(ctx, variable, call, declNode);
  if (stmt.parent?.type !== 'statement_list') {
    return stmt.parent?.type === 'if_statement' ? analyzeIfInitializer(tracker, stmt.parent, errName, variable) : null;
  }
  const list = named(stmt.parent).filter((s) => s.type !== 'comment');
  const index = list.findIndex((s) => s.id === stmt.id);
  const result = tracker.runFrom(list, index + 1, errName);
  let leaks = result.leak;
  if (!leaks && result.open) leaks = tracker.openAtEndOf(stmt.parent, stmt.type === 'short_var_declaration', errName);
  if (!leaks) return null;
  const everClosed = tracker.closedAnywhere(fn);
  return {
    kind: everClosed ? 'somePaths' : 'never',
    variable,
    fix: everClosed ? null : closeFix(ctx, list, index, errName, variable),
  };
}

/** `if resp, err := http.Get(u); err != nil { … } else { … }`: the response lives only in the if. */
function analyzeIfInitializer(tracker: Tracker, ifStmt: SyntaxNode, errName: string | null, variable: string): Verdict | null {
  const cond = field(ifStmt, 'condition');
  const check = errName && cond ? errCheckKind(cond, errName) : null;
  let success: SyntaxNode | null;
  if (check === 'notNil') success = field(ifStmt, 'alternative');
  else if (check === 'isNil') success = field(ifStmt, 'consequence');
  else success = field(ifStmt, 'consequence');
  const r = success ? tracker.runStmt(success) : { leak: false, open: true };
  if (!r.leak && !r.open) return null;
  return { kind: 'never', variable, fix: null };
}

function enclosingFunctionOf(node: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) if (isFunction(n)) return n;
  return null;
}

/** `err != nil` → notNil, `err == nil` → isNil, anything else → null. */
function errCheckKind(cond: SyntaxNode, errName: string): 'notNil' | 'isNil' | null {
  const c = unparen(cond);
  if (c.type !== 'binary_expression') return null;
  const l = field(c, 'left');
  const r = field(c, 'right');
  const op = field(c, 'operator')?.text ?? c.child(1)?.text;
  const isErr = (n: SyntaxNode | null) => n?.type === 'identifier' && n.text === errName;
  const isNil = (n: SyntaxNode | null) => n?.type === 'nil';
  if (!((isErr(l) && isNil(r)) || (isErr(r) && isNil(l)))) return null;
  return op === '!=' ? 'notNil' : op === '==' ? 'isNil' : null;
}

interface Flow {
  /** Some path ends (return, break, continue, end of scope) with the body still open. */
  leak: boolean;
  /** Some path falls through to the next statement with the body still open. */
  open: boolean;
}

const DONE: Flow = { leak: false, open: false };
const OPEN: Flow = { leak: false, open: true };
const LEAK: Flow = { leak: true, open: false };

class Tracker {
  constructor(
    private readonly ctx: RuleContext,
    private readonly v: string,
    private readonly call: SyntaxNode,
    /** Where the response variable is declared: a loop that does not contain it does not end its scope. */
    private readonly decl: SyntaxNode,
  ) {}

  /** Whether `err` still holds the call's error: an `if err != nil` then guards a nil response. */
  private errFresh = true;
  private errName: string | null = null;

  /** Runs the statements after the call. */
  runFrom(list: SyntaxNode[], start: number, errName: string | null): Flow {
    this.errName = errName;
    this.errFresh = errName !== null;
    return this.runList(list, start);
  }

  runList(list: SyntaxNode[], start: number): Flow {
    for (let i = start; i < list.length; i++) {
      const s = list[i];
      if (!s || s.type === 'comment') continue;
      const r = this.runStmt(s);
      if (r.leak || !r.open) return r;
      if (this.errFresh && this.errName && assigns(s, this.errName)) this.errFresh = false;
    }
    return OPEN;
  }

  runStmt(s: SyntaxNode): Flow {
    if (this.handles(s)) return DONE;
    switch (s.type) {
      case 'return_statement':
        return LEAK;
      case 'expression_statement':
        return isTerminatingCall(s) ? DONE : OPEN;
      case 'break_statement':
      case 'continue_statement':
        return this.jump(s);
      case 'goto_statement':
        return DONE;
      case 'block':
        return this.runList(statements(s), 0);
      case 'labeled_statement': {
        const inner = named(s).find((c) => c.type !== 'label_name');
        return inner ? this.runStmt(inner) : OPEN;
      }
      case 'if_statement': {
        const init = field(s, 'initializer');
        if (init && this.handles(init)) return DONE;
        const cons = field(s, 'consequence');
        const alt = field(s, 'alternative');
        const cond = field(s, 'condition');
        const check = !init && cond && this.errFresh && this.errName ? errCheckKind(cond, this.errName) : null;
        if (check === 'notNil') return alt ? this.runStmt(alt) : OPEN; // the error branch holds a nil response
        if (check === 'isNil') return cons ? this.runStmt(cons) : OPEN; // the else branch is the error path
        const a = cons ? this.runStmt(cons) : OPEN;
        const b = alt ? this.runStmt(alt) : OPEN;
        return { leak: a.leak || b.leak, open: a.open || b.open };
      }
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement': {
        const cases = named(s).filter((c) => /case$/.test(c.type));
        const results = cases.map((c) => this.runList(statements(c), 0));
        const hasDefault = cases.some((c) => c.type === 'default_case');
        return {
          leak: results.some((r) => r.leak),
          open: results.some((r) => r.open) || (!hasDefault && s.type !== 'select_statement') || cases.length === 0,
        };
      }
      case 'for_statement': {
        const body = field(s, 'body');
        const r = body ? this.runList(statements(body), 0) : OPEN;
        if (r.leak) return r;
        const infinite = !named(s).some((c) => c.type === 'for_clause' || c.type === 'range_clause' || c.id !== body?.id);
        return infinite && !hasBreakOut(s) ? DONE : OPEN;
      }
      default:
        return OPEN;
    }
  }

  /**
   * A break or continue. Leaving the loop the response was obtained in ends its scope (declared in the
   * loop) or overwrites it on the next iteration (continue); a break out to where the variable still
   * lives carries on after the loop.
   */
  private jump(jump: SyntaxNode): Flow {
    const label = labelTarget(jump);
    for (let n = jump.parent; n && !isFunction(n); n = n.parent) {
      const targeted = label
        ? n.parent?.type === 'labeled_statement' && field(n.parent, 'label')?.text === label
        : jump.type === 'continue_statement'
          ? n.type === 'for_statement'
          : BREAKABLE_TYPES.has(n.type);
      if (!targeted) continue;
      if (n.type !== 'for_statement' || !contains(n, this.call)) return DONE;
      if (contains(n, this.decl) || jump.type === 'continue_statement') return LEAK;
      return this.runAfter(n);
    }
    return DONE;
  }

  /** The flow of what follows `stmt` in its enclosing statement lists, up to the end of the function. */
  private runAfter(stmt: SyntaxNode): Flow {
    let s: SyntaxNode = stmt;
    while (s.parent && s.parent.type !== 'statement_list') {
      if (isFunction(s.parent)) return LEAK;
      s = s.parent;
    }
    const list = s.parent;
    if (!list) return LEAK;
    const rest = named(list).filter((c) => c.type !== 'comment');
    const r = this.runList(rest, rest.findIndex((c) => c.id === s.id) + 1);
    if (r.leak) return LEAK;
    if (r.open) return this.openAtEndOf(list, false, null) ? LEAK : DONE;
    return DONE;
  }

  /** The body is open at the end of `list`: does that end its scope, or does the enclosing code close it? */
  openAtEndOf(list: SyntaxNode, declaredHere: boolean, _errName: string | null): boolean {
    const owner = list.parent; // block, case clause
    if (!owner) return true;
    const ownerParent = owner.parent;
    if (!ownerParent || isFunction(ownerParent)) return true; // falls off the end of the function
    if (declaredHere) return true; // `:=` in this block: the variable goes out of scope here
    if (ownerParent.type === 'for_statement') return true; // overwritten on the next iteration
    // Assigned to a variable of an outer scope: carry on after the enclosing statement.
    let stmt: SyntaxNode | null = owner;
    while (stmt && stmt.parent?.type !== 'statement_list') {
      if (stmt.parent && isFunction(stmt.parent)) return true;
      stmt = stmt.parent;
    }
    if (!stmt?.parent) return true;
    const outer = named(stmt.parent).filter((s) => s.type !== 'comment');
    const r = this.runList(outer, outer.findIndex((s) => s.id === stmt!.id) + 1);
    if (r.leak) return true;
    return r.open ? this.openAtEndOf(stmt.parent, false, null) : false;
  }

  /** Whether a statement closes the body or hands the response on, on every path through it. */
  handles(s: SyntaxNode): boolean {
    switch (s.type) {
      case 'defer_statement':
      case 'go_statement':
        // A deferred or spawned call that closes it, takes the Body or the response, or a closure that uses it.
        return this.closesIn(s) || this.passedOrCaptured(s);
      case 'expression_statement':
      case 'assignment_statement':
      case 'short_var_declaration':
      case 'send_statement':
      case 'return_statement':
      case 'var_declaration':
        return this.closesIn(s) || this.escapesIn(s);
      default:
        return false;
    }
  }

  private identifiers(node: SyntaxNode): SyntaxNode[] {
    return descendantsOfType(node, 'identifier').filter((n) => n.text === this.v);
  }

  /** `defer f(resp.Body)`, `go handle(resp)`, or a function literal that uses the response. */
  private passedOrCaptured(s: SyntaxNode): boolean {
    const call = named(s).find((c) => c.type === 'call_expression');
    if (!call) return false;
    const fn = field(call, 'function');
    if (fn?.type === 'func_literal' && this.identifiers(fn).length > 0) return true;
    return named(field(call, 'arguments')).some((arg) => {
      const path = unparen(arg).type === 'identifier' || unparen(arg).type === 'selector_expression' ? unparen(arg).text : '';
      return path === this.v || path === `${this.v}.Body`;
    });
  }

  /** `v.Body.Close()` (or `v.Close()` on a wrapper) somewhere in `node`. */
  private closesIn(node: SyntaxNode): boolean {
    return descendantsOfType(node, 'call_expression').some((c) => {
      const path = calleePath(c);
      return !!path && path[0] === this.v && path[path.length - 1] === 'Close' && (path.length === 3 ? path[1] === 'Body' : path.length === 2);
    });
  }

  closedAnywhere(fn: SyntaxNode): boolean {
    return this.closesIn(fn);
  }

  /** The response, or its Body, handed on: returned, stored, sent, appended, or passed to a closer. */
  private escapesIn(s: SyntaxNode): boolean {
    for (const id of this.identifiers(s)) {
      let use: SyntaxNode = id;
      const sel = use.parent;
      if (sel?.type === 'selector_expression' && field(sel, 'operand')?.id === use.id) {
        if (field(sel, 'field')?.text !== 'Body') continue; // resp.StatusCode, resp.Header…
        use = sel;
      }
      while (use.parent?.type === 'parenthesized_expression' || (use.parent?.type === 'unary_expression' && use.parent.child(0)?.text === '&')) {
        use = use.parent;
      }
      const p = use.parent;
      if (!p) continue;
      if (p.type === 'expression_list') {
        const holder = p.parent;
        if (holder?.type === 'return_statement') return true;
        if ((holder?.type === 'assignment_statement' || holder?.type === 'short_var_declaration') && field(holder, 'right')?.id === p.id) {
          return true; // stored in a field, map, slice, variable or alias
        }
        if (holder?.type === 'var_spec') return true;
      }
      if (p.type === 'send_statement' && field(p, 'value')?.id === use.id) return true;
      if (p.type === 'literal_element' || p.type === 'keyed_element' || p.type === 'literal_value') return true;
      if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
        const path = calleePath(p.parent);
        if (!path) continue;
        if (path.length === 1 && path[0] === 'append') return true;
        const argIndex = named(p).findIndex((a) => a.id === use.id);
        if (this.ctx.index.closesArgument(this.ctx.file, this.ctx.resolver, path, p.parent, argIndex)) return true;
      }
    }
    return false;
  }
}

/** Whether a statement (not its nested blocks) assigns `name`. */
function assigns(stmt: SyntaxNode, name: string): boolean {
  if (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement') return false;
  return named(field(stmt, 'left')).some((n) => n.type === 'identifier' && n.text === name);
}

function hasBreakOut(loop: SyntaxNode): boolean {
  const label = loop.parent?.type === 'labeled_statement' ? field(loop.parent, 'label')?.text : undefined;
  return descendantsOfType(loop, 'break_statement').some((b) => {
    const target = labelTarget(b);
    if (target) return target === label;
    for (let n = b.parent; n && n.id !== loop.id; n = n.parent) if (BREAKABLE_TYPES.has(n.type) || isFunction(n)) return false;
    return true;
  });
}

/** Quick fix: `defer v.Body.Close()` right after the error check, or right after the call without one. */
function closeFix(ctx: RuleContext, list: SyntaxNode[], index: number, errName: string | null, variable: string): Fix | null {
  const stmt = list[index];
  if (!stmt) return null;
  let after = stmt;
  const next = list[index + 1];
  if (next && errName && next.type === 'if_statement') {
    const cond = field(next, 'condition');
    if (cond && errCheckKind(cond, errName) === 'notNil' && !field(next, 'alternative')) after = next;
  }
  const indent = indentOf(ctx.source, stmt);
  // At the end of the line, after any trailing comment.
  const row = after.endPosition.row;
  const lineEnd = ctx.source.indexOf('\n', after.endIndex);
  const lineText = ctx.source.slice(ctx.source.lastIndexOf('\n', after.endIndex - 1) + 1, lineEnd < 0 ? undefined : lineEnd);
  const at = { line: row, character: lineText.replace(/\r$/, '').length };
  return { title: 'Close the response body', edits: [{ range: { start: at, end: at }, newText: `\n${indent}defer ${variable}.Body.Close()` }] };
}
