import { nodeRange, type SyntaxNode } from '../../go/parser';
import {
  BREAKABLE_TYPES,
  calleePath,
  descendantsOfType,
  field,
  fields,
  indentOf,
  isFunction,
  isTerminatingCall,
  labelTarget,
  mayTerminate,
  named,
  statements,
  unparen,
  contains,
  findByText,
} from '../../go/syntax';
import { isHandedOn, readsOnly, type PackageIndex } from '../../go/packageIndex';
import { HTTP_CLIENT } from '../../go/types';
import type { Fix } from '../types';
import { defineRule, type RuleContext, type RuleFinding } from './rule';

/**
 * http-body-not-closed: an *http.Response whose Body is not closed on some path after the error check.
 * The response comes from net/http or from a workspace function that returns one it got from net/http
 * (a source, in any package of the module). Handing the response on (returning it, storing it, sending
 * it, passing it to a workspace function that closes or hands on that parameter) is not a leak.
 * Docs: docs/rules/http-body-not-closed.md
 */
export const httpBodyNotClosed = defineRule({
  id: 'http-body-not-closed',
  summary: 'an `*http.Response` whose `Body` is not closed on some path: connection, buffers and transport goroutines',
  severity: 'warning',
  quickFix: 'Close the response body',
  nolintAliases: ['bodyclose'],
  // Re-analysis as the user types (rule.ts RuleDependency).
  dependsOn: ['package', 'imports'],
  mayReport: (source, file, index) => NET_HTTP_CALL.test(source) || sourceCalls(index, file)?.pattern.test(source) === true,
  check(ctx: RuleContext): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const { call, origin } of responseCalls(ctx)) {
      const verdict = analyze(ctx, call, origin);
      if (!verdict) continue;
      findings.push({
        message: messageFor(verdict, origin.name),
        range: nodeRange(call),
        fixes: verdict.fix ? [verdict.fix] : [],
      });
    }
    return findings;
  },
});

/** Where the rule's candidates are: calls of net/http's fetching functions and methods, as the source spells them… */
const NET_HTTP_CALL = /\.\s*(?:Do|Get|Head|Post|PostForm)\s*\(/;

/** …and calls of the workspace's response sources, by the names the index knows for `file` (null: none). */
function sourceCalls(index: PackageIndex, file: string): { names: string[]; pattern: RegExp } | null {
  // A RoundTripper's RoundTrip is called by http.Client (and by tests with fake transports), not as a source.
  const names = [...index.responseSourceNames(file)].filter((n) => /^\w+$/.test(n) && n !== 'RoundTrip');
  if (names.length === 0) return null;
  return { names, pattern: new RegExp(`\\b(?:${names.join('|')})\\s*\\(`) };
}

const CLIENT_METHODS = new Set(['Do', 'Get', 'Head', 'Post', 'PostForm']);
const PACKAGE_FUNCS = new Set(['Get', 'Head', 'Post', 'PostForm']);

/** Where a response comes from: the call as written, and which of its results are the response and the error. */
interface Origin {
  name: string;
  responseResult: number;
  errorResult: number;
}

/**
 * The calls of the file that return a network *http.Response: net/http's (`.Get(`, `.Do(`… as the
 * source spells them) and the workspace's response sources (by the names the index knows).
 */
function responseCalls(ctx: RuleContext): Array<{ call: SyntaxNode; origin: Origin }> {
  const found: Array<{ call: SyntaxNode; origin: Origin }> = [];
  const seen = new Set<number>();
  for (const call of findByText(ctx.root, ctx.source, NET_HTTP_CALL, 'call_expression', 3)) {
    const name = netHttpCall(ctx, call);
    if (!name) continue;
    seen.add(call.id);
    if (isHeadRequest(ctx, call, name)) continue;
    found.push({ call, origin: { name, responseResult: 0, errorResult: 1 } });
  }
  const sources = sourceCalls(ctx.index, ctx.file);
  if (!sources) return found;
  for (const call of findByText(ctx.root, ctx.source, sources.pattern, 'call_expression', 3)) {
    if (seen.has(call.id)) continue;
    const callee = calleePath(call);
    if (!callee || !sources.names.includes(callee[callee.length - 1] ?? '')) continue;
    const source = ctx.index.responseSource(ctx.file, ctx.resolver, callee, call);
    if (source && named(field(call, 'arguments')).some((arg) => isHeadMethod(ctx, arg))) continue;
    if (source) found.push({ call, origin: { ...source, name: field(call, 'function')?.text.replace(/\s+/g, '') ?? source.name } });
  }
  return found.sort((x, y) => x.call.startIndex - y.call.startIndex);
}

/** `http.Get` or `client.Do` as written, when `call` returns a network *http.Response from net/http; else null. */
function netHttpCall(ctx: RuleContext, call: SyntaxNode): string | null {
  const fn = field(call, 'function');
  if (!fn || fn.type !== 'selector_expression') return null;
  const operand = field(fn, 'operand');
  const name = field(fn, 'field')?.text;
  if (!operand || !name || !CLIENT_METHODS.has(name)) return null;
  if (operand.type === 'identifier' && ctx.resolver.importPathOf(operand.text, operand) === 'net/http') {
    return PACKAGE_FUNCS.has(name) ? fn.text : null;
  }
  const type = ctx.resolver.typeOf(operand)?.[0];
  if (type !== HTTP_CLIENT && type !== 'net/http.Client') return null;
  if (ctx.file.endsWith('_test.go') && hasFakeTransport(ctx, operand)) return null;
  return fn.text.replace(/\s+/g, '');
}

/**
 * A HEAD request's response has no body: net/http gives it http.NoBody and frees the connection once the
 * headers are read, so there is nothing to close. `http.Head(u)`, `c.Head(u)`, and `c.Do(req)` where every
 * assignment of `req` in the function is `http.NewRequest(http.MethodHead, …)` (or WithContext, or "HEAD").
 * A workspace source called with the method "HEAD" as an argument is taken the same way (responseCalls).
 */
function isHeadRequest(ctx: RuleContext, call: SyntaxNode, name: string): boolean {
  if (/(?:^|\.)Head$/.test(name)) return true;
  if (!/(?:^|\.)Do$/.test(name)) return false;
  const req = named(field(call, 'arguments'))[0];
  const fn = enclosingFunctionOf(call);
  if (!req || req.type !== 'identifier' || !fn) return false;
  let assignments = 0;
  for (const stmt of descendantsOfType(fn, ['short_var_declaration', 'assignment_statement'])) {
    const index = named(field(stmt, 'left')).findIndex((n) => n.type === 'identifier' && n.text === req.text);
    if (index < 0) continue;
    const right = named(field(stmt, 'right'));
    const made = right.length === 1 && index === 0 ? right[0] : undefined; // req, err := http.NewRequest(…)
    if (!made || made.type !== 'call_expression') return false;
    const callee = calleePath(made);
    if (!callee || callee.length !== 2 || ctx.resolver.importPathOf(callee[0] ?? '', made) !== 'net/http') return false;
    const args = named(field(made, 'arguments'));
    const method = callee[1] === 'NewRequest' ? args[0] : callee[1] === 'NewRequestWithContext' ? args[1] : undefined;
    if (!method || !isHeadMethod(ctx, method)) return false;
    assignments++;
  }
  return assignments > 0;
}

/** `http.MethodHead` or the literal "HEAD". */
function isHeadMethod(ctx: RuleContext, expr: SyntaxNode): boolean {
  const e = unparen(expr);
  if (e.type === 'interpreted_string_literal' || e.type === 'raw_string_literal') return e.text.slice(1, -1) === 'HEAD';
  if (e.type !== 'selector_expression' || field(e, 'field')?.text !== 'MethodHead') return false;
  const operand = field(e, 'operand');
  return operand?.type === 'identifier' && ctx.resolver.importPathOf(operand.text, operand) === 'net/http';
}

/**
 * A test's client whose Transport is a fake (`Transport: roundTripperFunc(func(…) { … })`, a mock or a
 * stub): its responses come from memory, with no connection behind them.
 */
function hasFakeTransport(ctx: RuleContext, client: SyntaxNode): boolean {
  if (client.type !== 'identifier') return false;
  const decl = ctx.resolver.lookup(client.text, client);
  if (!decl || (decl.node.type !== 'short_var_declaration' && decl.node.type !== 'var_spec')) return false;
  // A client declared in the same top-level declaration only: what the rule reads stays inside the declaration it reports in.
  let top: SyntaxNode = client;
  while (top.parent && top.parent.type !== 'source_file') top = top.parent;
  if (!contains(top, decl.node)) return false;
  const isFake = (value: SyntaxNode) => descendantsOfType(value, 'func_literal').length > 0 || /fake|mock|stub|roundtripperfunc/i.test(value.text);
  return descendantsOfType(decl.node, 'keyed_element').some((element) => {
    const [key, value] = named(element);
    if (key?.text !== 'Transport' || !value) return false;
    if (isFake(value)) return true;
    // `rt := &authRoundTripper{next: roundTripperFunc(func(…) { … })}` … `Transport: rt`: a fake inside a wrapper.
    const expr = value.type === 'literal_element' ? (named(value)[0] ?? value) : value;
    const held = expr.type === 'identifier' ? ctx.resolver.lookup(expr.text, expr) : undefined;
    return !!held && (held.node.type === 'short_var_declaration' || held.node.type === 'var_spec') && contains(top, held.node) && isFake(held.node);
  });
}

interface Verdict {
  kind: 'discarded' | 'unused' | 'never' | 'somePaths';
  variable: string | null;
  fix: Fix | null;
}

function messageFor(v: Verdict, origin: string): string {
  switch (v.kind) {
    case 'discarded':
      return `The response from ${origin} is discarded without closing its body, so its connection and buffers leak.`;
    case 'unused':
      return `The response \`${v.variable}\` from ${origin} is never used, so its body is never closed and its connection and buffers leak.`;
    case 'never':
      return `The body of \`${v.variable}\` (from ${origin}) is never closed, so its connection and buffers leak.`;
    case 'somePaths':
      return `The body of \`${v.variable}\` (from ${origin}) is not closed on every path after the error check, so on the others its connection and buffers leak.`;
  }
}

/** Where the response goes, and whether some path after the error check leaves its body open. */
function analyze(ctx: RuleContext, call: SyntaxNode, origin: Origin): Verdict | null {
  let expr = call;
  while (expr.parent?.type === 'parenthesized_expression') expr = expr.parent;
  const parent = expr.parent;
  if (!parent) return null;
  // `http.Get(u)` as a statement, `go get(u)`, `defer get(u)`: nobody gets the response. A test that fires
  // `go http.Get(u)` only wants a connection to happen (its listener accepts and hangs up).
  if (parent.type === 'go_statement' && ctx.file.endsWith('_test.go')) return null;
  if (parent.type === 'expression_statement' || parent.type === 'go_statement' || parent.type === 'defer_statement') {
    return { kind: 'discarded', variable: null, fix: null };
  }
  if (parent.type !== 'expression_list') return null; // an argument, a field value, …: handed on
  const stmt = parent.parent;
  if (!stmt || (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement')) return null;
  if (field(stmt, 'right')?.id !== parent.id || named(parent).length !== 1) return null;
  const left = named(field(stmt, 'left'));
  const target = left[origin.responseResult];
  if (!target) return null;
  if (target.type !== 'identifier') return null; // stored in a field, map or slice: handed on
  const variable = target.text;
  const errNode = origin.errorResult >= 0 ? left[origin.errorResult] : undefined;
  const errName = errNode?.type === 'identifier' && errNode.text !== '_' ? errNode.text : null;
  if (variable === '_') return errName && errorExpectedAfter(stmt, errName) ? null : { kind: 'discarded', variable: null, fix: null };
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
  if (!usedAfter(fn, target)) return { kind: 'unused', variable, fix: null };
  // Closed or handed on somewhere: only some paths leak, and a deferred close would break the others.
  const handledSomewhere = tracker.handledAnywhere(fn);
  return {
    kind: handledSomewhere ? 'somePaths' : 'never',
    variable,
    fix: handledSomewhere ? null : closeFix(ctx, list, index, errName, variable),
  };
}

/**
 * Whether the code right after a call whose response is dropped insists on its error (so the response
 * is nil whenever the code goes on): `require.Error(t, err)`, `err.Error()`, or `if err == nil { t.Fatal(…) }`,
 * also as `if _, err := f(); err == nil { t.Fatal(…) }`.
 */
function errorExpectedAfter(stmt: SyntaxNode, errName: string): boolean {
  const failsWithoutError = (ifStmt: SyntaxNode | null | undefined): boolean => {
    const cond = ifStmt?.type === 'if_statement' ? field(ifStmt, 'condition') : null;
    return !!cond && errCheckKind(cond, errName) === 'isNil' && statements(field(ifStmt ?? null, 'consequence')).some((st) => mayTerminate(st));
  };
  if (stmt.parent?.type === 'if_statement') return failsWithoutError(stmt.parent);
  if (stmt.parent?.type !== 'statement_list') return false;
  const siblings = named(stmt.parent).filter((s) => s.type !== 'comment');
  const next = siblings[siblings.findIndex((s) => s.id === stmt.id) + 1];
  return !!next && (expectsError(next, errName) || failsWithoutError(next));
}

/** Whether the variable assigned at `target` is read anywhere after it in `fn`. */
function usedAfter(fn: SyntaxNode, target: SyntaxNode): boolean {
  return descendantsOfType(fn, 'identifier').some((id) => id.text === target.text && id.startIndex > target.endIndex);
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

/** `assert.NoError(t, err)`, `assert.Nil(t, err)` (or require's, must's): the call passes only when `err` is nil. */
function assertsNoError(call: SyntaxNode, errName: string): boolean {
  const path = calleePath(call);
  if (path?.length !== 2 || !ASSERTION_PACKAGES.has(path[0] ?? '') || !/^(NoError|Nil)f?$/.test(path[1] ?? '')) return false;
  return named(field(call, 'arguments')).some((a) => a.type === 'identifier' && a.text === errName);
}

/**
 * A statement that holds only when `err` is not nil: `require.Error(t, err)` and the other error
 * assertions of testify and shoenig/test, or a use of `err.Error()`. After it the response is nil.
 */
function expectsError(stmt: SyntaxNode, errName: string): boolean {
  if (stmt.type !== 'expression_statement') return false;
  const call = named(stmt)[0];
  if (call?.type !== 'call_expression') return false;
  const path = calleePath(call);
  const args = named(field(call, 'arguments'));
  if (path?.length === 2 && ASSERTION_PACKAGES.has(path[0] ?? '') && /^(Error|ErrorIs|ErrorAs|ErrorContains|EqualError|NotNil)f?$/.test(path[1] ?? '')) {
    return args.some((a) => a.type === 'identifier' && a.text === errName);
  }
  return descendantsOfType(call, 'call_expression').some((c) => c.text.replace(/\s+/g, '') === `${errName}.Error()`);
}

const ASSERTION_PACKAGES = new Set(['assert', 'require', 'must', 'test']);

function operatorOf(binary: SyntaxNode): string | undefined {
  return field(binary, 'operator')?.text ?? binary.child(1)?.text;
}

/** The operands of a chain of one operator: `a && b && c` → [a, b, c]. */
function chain(expr: SyntaxNode, op: string): SyntaxNode[] {
  const e = unparen(expr);
  if (e.type !== 'binary_expression' || operatorOf(e) !== op) return [e];
  const l = field(e, 'left');
  const r = field(e, 'right');
  return [...(l ? chain(l, op) : []), ...(r ? chain(r, op) : [])];
}

function conjuncts(expr: SyntaxNode): SyntaxNode[] {
  return chain(expr, '&&');
}

/** `x == nil` / `x != nil` → ['x', '=='] (either side). */
function nilComparison(expr: SyntaxNode): { operand: string; op: string } | null {
  const e = unparen(expr);
  if (e.type !== 'binary_expression') return null;
  const l = field(e, 'left');
  const r = field(e, 'right');
  const op = operatorOf(e);
  if (op !== '==' && op !== '!=') return null;
  if (r?.type === 'nil' && l) return { operand: l.text, op };
  if (l?.type === 'nil' && r) return { operand: r.text, op };
  return null;
}

/**
 * A nil guard on the response: `resp != nil [&& resp.Body != nil] [&& err == nil]` runs its branch only
 * with a body ('nonNil': the other branch has none to close); `resp == nil [|| resp.Body == nil] [|| err
 * != nil]` runs its branch only without one ('nil').
 */
function nilGuard(cond: SyntaxNode, v: string, errName: string | null): 'nonNil' | 'nil' | null {
  const fits = (parts: SyntaxNode[], op: '==' | '!='): boolean => {
    let mentions = false;
    for (const part of parts) {
      const c = nilComparison(part);
      if (!c) return false;
      if (c.op === op && (c.operand === v || c.operand === `${v}.Body`)) mentions = true;
      else if (!(errName && c.operand === errName && c.op !== op)) return false;
    }
    return mentions;
  };
  if (fits(conjuncts(cond), '!=')) return 'nonNil';
  if (fits(chain(cond, '||'), '==')) return 'nil';
  return null;
}

/** `err != nil` → notNil, `err == nil` → isNil, anything else → null. */
function errCheckKind(cond: SyntaxNode, errName: string): 'notNil' | 'isNil' | null {
  const c = unparen(cond);
  // `if assert.NoError(t, err) { … }`: testify's assert returns whether the error was nil.
  if (c.type === 'call_expression') return assertsNoError(c, errName) ? 'isNil' : null;
  if (c.type === 'unary_expression' && c.child(0)?.text === '!') {
    const operand = field(c, 'operand');
    return operand && unparen(operand).type === 'call_expression' && assertsNoError(unparen(operand), errName) ? 'notNil' : null;
  }
  if (c.type !== 'binary_expression') return null;
  // `err != nil && i < retries`: the branch runs only with an error, so with a nil response.
  if (operatorOf(c) === '&&') return conjuncts(c).some((part) => errCheckKind(part, errName) === 'notNil') ? 'notNil' : null;
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
  ) {
    this.fn = enclosingFunctionOf(call);
  }

  /** The function the response lives in (for literals assigned to variables and called later). */
  private readonly fn: SyntaxNode | null;

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
        if (this.errFresh && this.errName && expectsError(s, this.errName)) return DONE; // a nil response from here on
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
        // `if resp != nil { resp.Body.Close() }`, `if err != nil || resp == nil { return }`: the other branch has no body.
        const guard = cond ? nilGuard(cond, this.v, this.errName) : null;
        if (guard === 'nonNil') return cons ? this.runStmt(cons) : OPEN;
        if (guard === 'nil') return alt ? this.runStmt(alt) : OPEN;
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
        return this.deferredOrStartedHandles(s);
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

  /**
   * `defer resp.Body.Close()`, `defer drain(resp.Body)` with a closing `drain`, a deferred or started
   * function literal that closes (or hands on) the response it captures or the body it takes. A literal
   * that only reads the body is not a close.
   */
  private deferredOrStartedHandles(s: SyntaxNode): boolean {
    const call = named(s).find((c) => c.type === 'call_expression');
    if (!call) return false;
    if (this.closesIn(s)) return true;
    const fn = field(call, 'function');
    const args = named(field(call, 'arguments'));
    const argIndex = args.findIndex((arg) => this.isResponseOrBody(arg));
    if (fn?.type === 'func_literal') {
      if (this.identifiers(fn).some((id) => isHandedOn(id))) return true;
      // `defer func(b io.ReadCloser) { … b.Close() }(resp.Body)`: the literal closes its parameter.
      const param = argIndex >= 0 ? parameterName(fn, argIndex) : null;
      return !!param && (closesName(fn, param) || descendantsOfType(fn, 'identifier').some((id) => id.text === param && isHandedOn(id)));
    }
    if (argIndex < 0) return false;
    const path = calleePath(call);
    return !!path && this.handedToCall(path, call, argIndex);
  }

  private isResponseOrBody(arg: SyntaxNode): boolean {
    const e = unparen(arg);
    return (e.type === 'identifier' || e.type === 'selector_expression') && (e.text === this.v || e.text === `${this.v}.Body`);
  }

  /**
   * `v.Body.Close()` (or `v.Close()` on a wrapper) in `node`, including in function literals that run:
   * called on the spot, deferred, started, handed to a call as a callback, or assigned to a variable
   * that is called later. A literal that is never called closes nothing.
   */
  private closesIn(node: SyntaxNode): boolean {
    return closesName(node, this.v, this.fn);
  }

  /** Whether the function closes the body, or hands the response on, anywhere after the call. */
  handledAnywhere(fn: SyntaxNode): boolean {
    return closesName(fn, this.v, fn) || this.escapesIn(fn);
  }

  /** The response, or its Body, handed on: returned, stored, sent, appended, or passed to a closer. */
  private escapesIn(s: SyntaxNode): boolean {
    for (const id of this.identifiers(s)) {
      if (insideLiteralThatDoesNotRun(id, s, this.fn)) continue;
      if (isHandedOn(id)) return true;
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
      if (p?.type === 'argument_list' && p.parent?.type === 'call_expression') {
        const path = calleePath(p.parent);
        if (!path) continue;
        if (path.length === 1 && path[0] === 'append') return true;
        const argIndex = named(p).findIndex((a) => a.id === use.id);
        if (this.handedToCall(path, p.parent, argIndex)) return true;
      }
    }
    return false;
  }

  /**
   * Whether passing the response (or its body) to `path` hands it on: a workspace function that closes
   * or keeps that parameter, or code outside the workspace that does more than read it.
   */
  private handedToCall(path: string[], call: SyntaxNode, argIndex: number): boolean {
    const { index, file, resolver } = this.ctx;
    if (path.length === 2 && path[1] === 'MaxBytesReader' && path[0] && resolver.imports.get(path[0]) === 'net/http') return this.wrapperHandled(call);
    if (index.resolveCallee(file, resolver, path, call)) return index.closesArgument(file, resolver, path, call, argIndex);
    return !readsOnly(resolver.imports, path);
  }

  /**
   * `http.MaxBytesReader(w, resp.Body, n)` wraps the body: closing the wrapper closes it. The body is
   * handed on only when the wrapper is: closed, returned, stored or passed on; not when it is dropped
   * (`_ = http.MaxBytesReader(…)`, a statement) or only read.
   */
  private wrapperHandled(call: SyntaxNode): boolean {
    let e = call;
    while (e.parent?.type === 'parenthesized_expression') e = e.parent;
    const p = e.parent;
    if (p?.type === 'expression_statement') return false;
    const holder = p?.type === 'expression_list' ? p.parent : null;
    if (!p || !holder || (holder.type !== 'short_var_declaration' && holder.type !== 'assignment_statement') || field(holder, 'right')?.id !== p.id) return true;
    const target = named(field(holder, 'left'))[named(p).findIndex((x) => x.id === e.id)];
    if (!target || target.type !== 'identifier') return true; // `resp.Body = http.MaxBytesReader(…)`: stored
    if (target.text === '_' || !this.fn) return false;
    const wrapper = target.text;
    if (closesName(this.fn, wrapper, this.fn)) return true;
    return descendantsOfType(this.fn, 'identifier').some((id) => id.text === wrapper && id.startIndex > target.endIndex && isHandedOn(id));
  }
}

/** Name of the parameter of `literal` that receives argument `index` (the last one for variadics). */
function parameterName(literal: SyntaxNode, index: number): string | null {
  const names = named(field(literal, 'parameters')).flatMap((p) => fields(p, 'name').map((n) => n.text));
  return names[Math.min(index, names.length - 1)] ?? null;
}

/**
 * `name.Close()` or `name.Body.Close()` in `node`, looking into function literals only where they run
 * (see Tracker.closesIn); `fn` is the function to search for calls of a literal assigned to a variable.
 */
function closesName(node: SyntaxNode, name: string, fn: SyntaxNode | null = null): boolean {
  // `defer logError(resp.Body.Close)`, `NewReadCloserWrapper(r, resp.Body.Close)`, `{close: resp.Body.Close}`:
  // the close handed as a method value to whoever makes it.
  const closeValue = descendantsOfType(node, 'selector_expression').some(
    (sel) =>
      (sel.text === `${name}.Body.Close` || sel.text === `${name}.Close`) &&
      CLOSE_VALUE_HOLDERS.has(sel.parent?.type ?? '') &&
      !insideLiteralThatDoesNotRun(sel, node, fn),
  );
  if (closeValue) return true;
  return descendantsOfType(node, 'call_expression').some((c) => {
    const path = calleePath(c);
    if (path?.length === 1 && path[0] && fn) {
      // `cleanup()` / `defer cleanup()` where `cleanup := func() { resp.Body.Close() }`.
      const literal = literalAssignedTo(fn, path[0]);
      if (literal && literal.id !== node.id && closesName(literal, name, null)) return true;
    }
    if (!path || path[0] !== name || path[path.length - 1] !== 'Close' || !(path.length === 3 ? path[1] === 'Body' : path.length === 2)) return false;
    return !insideLiteralThatDoesNotRun(c, node, fn);
  });
}

/** Where a method value `resp.Body.Close` is handed on: an argument, a composite literal's element, an assignment. */
const CLOSE_VALUE_HOLDERS = new Set(['argument_list', 'keyed_element', 'literal_element', 'expression_list']);

/** The function literal `name := func() {…}` (or `=`) declared in `fn`, if any. */
function literalAssignedTo(fn: SyntaxNode, name: string): SyntaxNode | null {
  for (const decl of descendantsOfType(fn, ['short_var_declaration', 'assignment_statement'])) {
    const left = named(field(decl, 'left'));
    const i = left.findIndex((l) => l.text === name);
    if (i < 0) continue;
    const value = named(field(decl, 'right'))[i];
    if (value?.type === 'func_literal') return value;
  }
  return null;
}

/**
 * Whether `node` sits (below `top`) in a function literal that does not run where it is written: one
 * assigned to a variable (its calls are followed separately) or stored. Literals called on the spot,
 * deferred, started or passed to a call run.
 */
function insideLiteralThatDoesNotRun(node: SyntaxNode, top: SyntaxNode, _fn: SyntaxNode | null): boolean {
  for (let n = node.parent; n && n.id !== top.id; n = n.parent) {
    if (n.type !== 'func_literal') continue;
    const p = n.parent;
    if (p?.type === 'call_expression' && field(p, 'function')?.id === n.id) continue; // func(){…}()
    if (p?.type === 'argument_list') continue; // a callback: t.Cleanup(func(){…}), wg.Go(func(){…})
    return true;
  }
  return false;
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
