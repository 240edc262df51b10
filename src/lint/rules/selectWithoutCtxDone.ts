import { nodeRange, type SyntaxNode } from '../../go/parser';
import {
  channelName,
  isDoneCall,
  isLifecycleMethodName,
  isStopSignalName,
  isTimerChannel,
  isTimerName,
  receivedChannel,
  receivedOkName,
  selectCases,
  sentChannel,
  stopsChannelIn,
} from '../../go/channels';
import { alwaysLeavesLoop, canLeaveLoop, restAlwaysLeaves, restOfIteration } from '../../go/flow';
import { receiverTypeName } from '../../go/packageIndex';
import {
  contains,
  descendantsOfType,
  enclosingFunction,
  field,
  fields,
  findByText,
  indentOf,
  indentUnit,
  isFunction,
  mayTerminate,
  named,
  statements,
  unparen,
} from '../../go/syntax';
import { CONTEXT, HTTP_REQUEST, zeroValue, type Declaration } from '../../go/types';
import type { Fix } from '../types';
import { defineRule, type RuleContext, type RuleFinding } from './rule';

/**
 * select-without-ctx-done: a blocking `select` in a function that can see a context.Context, when no
 * case receives from a context's Done() and no case is another way out (a stop channel, a timer, a
 * channel the package closes, the completion of the function's own goroutine). In an endless loop a
 * way out must leave the loop. Reachability is decided by type as far as the source shows it, never
 * by the name `ctx`. Docs: docs/rules/select-without-ctx-done.md (the exact semantics).
 */
/** Where the rule's candidates are: the `select` keyword. */
const SELECT = /\bselect\b/;

export const selectWithoutCtxDone = defineRule({
  id: 'select-without-ctx-done',
  summary: 'a blocking `select` that never watches a reachable `context.Context` and has no way out of its own: the goroutine blocks forever',
  severity: 'warning',
  quickFix: 'Add `case <-ctx.Done()`',
  // Re-analysis as the user types (rule.ts RuleDependency).
  dependsOn: ['package'],
  mayReport: (source) => SELECT.test(source),
  check(ctx: RuleContext): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const select of findByText(ctx.root, ctx.source, SELECT, 'select_statement', 1)) {
      const cases = selectCases(select);
      // `select {}` blocks forever on purpose (a main that waits for signals); a default never blocks.
      if (cases.length === 0 || cases.some((c) => c.type === 'default_case')) continue;
      if (cases.some((c) => watchesDone(ctx, c))) continue;
      const loop = enclosingLoop(select);
      const endless = loop && kindOfLoop(ctx, loop) !== 'bounded' ? loop : null;
      // Outside an endless loop the wait ends when any way out fires; inside one, that case must also leave the loop.
      const stays: SyntaxNode[] = [];
      let hasWayOut = false;
      for (const c of cases) {
        const way = wayOut(ctx, c);
        if (!way) continue;
        if (!endless || leavesLoop(ctx, select, c, endless, way)) hasWayOut = true;
        else stays.push(c);
      }
      if (hasWayOut) continue;
      const first = reachableContexts(ctx, select)[0];
      if (!first) continue;
      const keyword = select.child(0) ?? select;
      const fix = addDoneCase(ctx, select, first);
      const site: Site = endless ? 'endless' : loop ? 'loop' : inGoroutine(select) ? 'goroutine' : 'plain';
      findings.push({ message: message(first, cases, site, stays), range: nodeRange(keyword), fixes: fix ? [fix] : [] });
    }
    return findings;
  },
});

type Site = 'plain' | 'goroutine' | 'loop' | 'endless';

function message(context: string, cases: SyntaxNode[], site: Site, stays: SyntaxNode[]): string {
  const done = `${context}.Done()`;
  const waits = `waits only on ${describeCases(cases)} and never on ${done}`;
  switch (site) {
    case 'endless':
      if (stays.length > 0) {
        const which = stays.map((c) => `\`case ${caseHead(c)}\``).slice(0, 2).join(' and ');
        const verb = stays.length > 1 ? 'continue' : 'continues';
        return `This select in an endless loop never receives from ${done}, and its ${which} ${verb} the loop instead of leaving it, so cancelling ${context} cannot stop the loop and its goroutine leaks.`;
      }
      return `This select in an endless loop ${waits}, so cancelling ${context} cannot stop the loop and its goroutine leaks, blocked here.`;
    case 'goroutine':
      return `This select in a goroutine ${waits}, so once ${context} is cancelled nothing releases it and the goroutine leaks with everything it references.`;
    case 'loop':
      return `This select in a loop ${waits}, so once ${context} is cancelled nothing releases the goroutine blocked here.`;
    case 'plain':
      return `This select ${waits}, so once ${context} is cancelled nothing releases the goroutine blocked here.`;
  }
}

/** `in`, `errs` and a send on `out`: what the select waits for, as the source spells it. */
function describeCases(cases: SyntaxNode[]): string {
  const parts = cases.map((c) => {
    const received = receivedChannel(c);
    if (received) return `\`${short(received.text)}\``;
    const sent = sentChannel(c);
    return sent ? `a send on \`${short(sent.text)}\`` : 'its case';
  });
  const unique = [...new Set(parts)];
  const shown = unique.length > 3 ? [...unique.slice(0, 3), 'more'] : unique;
  return shown.length <= 1 ? (shown[0] ?? 'nothing') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function caseHead(c: SyntaxNode): string {
  const comm = field(c, 'communication');
  const right = comm ? (comm.type === 'receive_statement' ? field(comm, 'right') : comm) : null;
  return short(right?.text ?? 'default');
}

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 40 ? `${flat.slice(0, 37)}…` : flat;
}

/** Whether the select runs in a function literal started with `go`. */
function inGoroutine(select: SyntaxNode): boolean {
  const fn = enclosingFunction(select);
  return fn?.type === 'func_literal' && fn.parent?.type === 'call_expression' && fn.parent.parent?.type === 'go_statement';
}

/** The nearest `for` around the select in the same function. */
function enclosingLoop(select: SyntaxNode): SyntaxNode | null {
  for (let n = select.parent; n && !isFunction(n); n = n.parent) if (n.type === 'for_statement') return n;
  return null;
}

/**
 * `for {}` and `for range ch` run until something leaves them (endless); `for cond {}` until its
 * condition changes; a counted loop or a range over a slice, map, number or string ends by itself.
 */
function kindOfLoop(ctx: RuleContext, loop: SyntaxNode): 'endless' | 'condition' | 'bounded' {
  const body = field(loop, 'body');
  const clause = named(loop).find((c) => c.id !== body?.id && c.type !== 'comment');
  if (!clause) return 'endless';
  if (clause.type === 'for_clause') {
    if (field(clause, 'update')) return 'bounded';
    return field(clause, 'condition') ? 'condition' : 'endless';
  }
  if (clause.type === 'range_clause') {
    const right = field(clause, 'right');
    if (!right) return 'bounded';
    if (isTimerChannel(right)) return 'endless';
    const type = ctx.resolver.typeOf(right)?.[0];
    return type !== undefined && /^(<-)?chan\b/.test(type) ? 'endless' : 'bounded';
  }
  return 'condition';
}

type WayOut = 'stop' | 'timer' | 'closed' | 'completion' | 'bound';

/**
 * What makes a case a way out of the wait, or null: a stop signal by name (`done`, `stopCh`,
 * `s.closing`, `t.Dying()`, `srv.Ready()`), a timer, a channel the package closes or hands to
 * signal.Notify (or a receive that checks `ok`), or a channel the function made and handed to the
 * work it started (its goroutine, a worker pool): the completion of that work.
 */
function wayOut(ctx: RuleContext, commCase: SyntaxNode): WayOut | null {
  const chan = receivedChannel(commCase);
  if (!chan) return null;
  if (isTimerChannel(chan)) return 'timer';
  const name = channelName(chan);
  if (!name) return null;
  if (chan.type === 'call_expression') return isLifecycleMethodName(name) ? 'stop' : null;
  if (boundToContext(ctx, chan)) return 'bound';
  const local = chan.type === 'identifier' ? ctx.resolver.lookup(name, chan) : undefined;
  const value = local && (local.node.type === 'short_var_declaration' || local.node.type === 'var_spec') ? declaredValue(local.node, name) : null;
  if (value && isTimerChannel(value)) return 'timer';
  if (isTimerName(name)) return 'timer';
  if (isStopSignalName(name) || local?.type?.endsWith(' os.Signal')) return 'stop';
  if (receivedOkName(commCase)) return 'closed';
  if (chan.type === 'identifier' && local && local.kind !== 'package') {
    const owner = outermostFunction(chan);
    if (!owner) return null;
    if (stopsChannelIn(owner, name)) return 'closed';
    if (value && isMake(value) && handedToWork(owner, name)) return 'completion';
    // A parameter: the package may close it or hand it to signal.Notify where it is made.
    return local.kind === 'param' && ctx.index.packageStops(ctx.file, name) ? 'closed' : null;
  }
  return ctx.index.packageStops(ctx.file, name) ? 'closed' : null;
}

/**
 * `events, errs := s.Subscribe(ctx, …)` … `case <-errs:`, `w := cli.Wait(ctx, id)` … `case <-w.Error:`:
 * a channel obtained from a call given the context belongs to a producer that watches the context.
 */
function boundToContext(ctx: RuleContext, chan: SyntaxNode, depth = 0): boolean {
  let root: SyntaxNode = chan;
  while (root.type === 'selector_expression') {
    const operand = field(root, 'operand');
    if (!operand) return false;
    root = operand;
  }
  if (root.type !== 'identifier' || depth > 3) return false;
  const decl = ctx.resolver.lookup(root.text, root);
  if (!decl || (decl.node.type !== 'short_var_declaration' && decl.node.type !== 'var_spec')) return false;
  const right = named(field(decl.node, decl.node.type === 'var_spec' ? 'value' : 'right'));
  return right.some((value) => {
    const v = unparen(value);
    // `errs := result.Err` after `result := cli.Events(ctx, …)`: follow the value to its call.
    if (v.type === 'selector_expression' || v.type === 'identifier') return v.id !== root.id && boundToContext(ctx, v, depth + 1);
    return v.type === 'call_expression' && named(field(v, 'arguments')).some((arg) => isContextExpression(ctx, arg));
  });
}

/** `ctx`, `s.ctx`, `r.Context()`: an expression of type context.Context as the resolver sees it. */
function isContextExpression(ctx: RuleContext, expr: SyntaxNode): boolean {
  return ctx.resolver.typeOf(expr)?.[0] === CONTEXT;
}

/**
 * Whether the case can leave the endless loop: its branch can (a timer on every path, as a timeout
 * does, or through a call given the context or a failing test assertion), or the rest of the
 * iteration always leaves, or checks again what the case set or received from and can leave then.
 */
function leavesLoop(ctx: RuleContext, select: SyntaxNode, commCase: SyntaxNode, loop: SyntaxNode, way: WayOut): boolean {
  const body = statements(commCase);
  if (way === 'timer') {
    if (alwaysLeavesLoop(body, loop, true)) return true;
    // `case <-ticker.C: if err := s.poll(ctx); err != nil { return err }`: cancellation ends the loop through poll's error.
    if (canLeaveLoop(body, loop) && (passesContext(ctx, body) || body.some((st) => mayTerminate(st)))) return true;
  } else if (canLeaveLoop(body, loop)) {
    return true;
  }
  const rest = restOfIteration(select, loop);
  if (restAlwaysLeaves(rest, loop)) return true;
  // `for { expectRPC(ctx, t, …); select { case <-time.After(d): case <-got: return } }`: each round hands
  // the context and the test to a helper, which fails the test once the context is cancelled.
  if (failsTestOnCancel(ctx, loop, select)) return true;
  // `for !stop.HasFired() { select { case <-timer.C: stop.Fire() … } }`: the branch ends the loop through its condition.
  if (kindOfLoop(ctx, loop) === 'condition' && callsOnCondition(loop, body)) return true;
  // `for { select { case <-ctx.Done(): return; case ev := <-events: … select { case errs <- err: case
  // <-time.After(d): } } }`: the case goes round to a select of the same loop that leaves once ctx is cancelled.
  if (loopLeavesOnDone(ctx, loop, select)) return true;
  if (way === 'timer') return false;
  // `case <-stop: quit = true` … `if quit { return }` (later in the iteration or at the start of the
  // next; the flag may also be set just before the select), `case v, ok = <-in:` … `if !ok { return }`,
  // or a second, non-blocking look at the same channel.
  const chan = receivedChannel(commCase);
  const comm = field(commCase, 'communication');
  const received = comm?.type === 'receive_statement' ? named(field(comm, 'left')).map((l) => l.text) : [];
  const before = select.parent?.type === 'statement_list' ? named(select.parent).filter((st) => st.endIndex <= select.startIndex) : [];
  const marks = new Set([...assignedIn(body), ...assignedIn(before), ...received, ...(chan ? [chan.text] : [])]);
  marks.delete('_');
  const refersToMark = (n: SyntaxNode) =>
    descendantsOfType(n, ['identifier', 'selector_expression']).some((id) => marks.has(id.text));
  const iteration = statements(field(loop, 'body')).filter((st) => !contains(st, select));
  if ([...rest, ...iteration].some((st) => refersToMark(st) && canLeaveLoop([st], loop))) return true;
  // `for running { select { case <-stop: running = false } }`: the case ends the loop through its condition.
  if (kindOfLoop(ctx, loop) !== 'condition') return false;
  const loopBody = field(loop, 'body');
  const header = named(loop).filter((c) => c.id !== loopBody?.id);
  return header.some((h) => descendantsOfType(h, 'identifier').some((i) => marks.has(i.text)));
}

/** Whether another select of the loop's body, run by the same goroutine, has a `Done()` case that can leave the loop. */
function loopLeavesOnDone(ctx: RuleContext, loop: SyntaxNode, select: SyntaxNode): boolean {
  const body = field(loop, 'body');
  if (!body) return false;
  const fn = enclosingFunction(select);
  return descendantsOfType(body, 'select_statement').some(
    (other) =>
      other.id !== select.id &&
      enclosingFunction(other)?.id === fn?.id &&
      selectCases(other).some((c) => watchesDone(ctx, c) && canLeaveLoop(statements(c), loop)),
  );
}

/** Whether the loop's body, outside the select, calls something given both a context and the test (`t`, `b`, `tb`). */
function failsTestOnCancel(ctx: RuleContext, loop: SyntaxNode, select: SyntaxNode): boolean {
  const body = field(loop, 'body');
  if (!body || !ctx.file.endsWith('_test.go')) return false;
  return descendantsOfType(body, 'argument_list').some((args) => {
    if (contains(select, args)) return false;
    const values = named(args);
    return values.some((a) => isContextExpression(ctx, a)) && values.some((a) => a.type === 'identifier' && /^\*?testing\.(T|B|TB|F)$/.test(ctx.resolver.lookup(a.text, a)?.type ?? ''));
  });
}

/** Whether `stmts` call a method on something the loop's condition reads (`stop.Fire()` for `for !stop.HasFired()`). */
function callsOnCondition(loop: SyntaxNode, stmts: SyntaxNode[]): boolean {
  const loopBody = field(loop, 'body');
  const header = named(loop).filter((c) => c.id !== loopBody?.id);
  const read = new Set(header.flatMap((h) => descendantsOfType(h, 'identifier').map((i) => i.text)));
  return stmts.some((st) =>
    descendantsOfType(st, 'call_expression').some((call) => {
      const fn = field(call, 'function');
      const receiver = fn?.type === 'selector_expression' ? field(fn, 'operand') : null;
      return receiver?.type === 'identifier' && read.has(receiver.text);
    }),
  );
}

/** Names a list of statements assigns (`x = …`, `x := …`, `x++`). */
function assignedIn(stmts: SyntaxNode[]): string[] {
  return stmts.flatMap((stmt) =>
    descendantsOfType(stmt, ['assignment_statement', 'short_var_declaration', 'inc_statement', 'dec_statement']).flatMap((a) =>
      a.type === 'inc_statement' || a.type === 'dec_statement' ? named(a).map((l) => l.text) : named(field(a, 'left')).map((l) => l.text),
    ),
  );
}

/** Whether some call in `stmts` is given a context.Context (as the resolver sees it). */
function passesContext(ctx: RuleContext, stmts: SyntaxNode[]): boolean {
  return stmts.some((stmt) =>
    descendantsOfType(stmt, 'argument_list').some((args) =>
      named(args).some((arg) => arg.type === 'identifier' && ctx.resolver.lookup(arg.text, arg)?.type === CONTEXT),
    ),
  );
}

function isMake(expr: SyntaxNode): boolean {
  const e = unparen(expr);
  return e.type === 'call_expression' && field(e, 'function')?.text === 'make';
}

function outermostFunction(node: SyntaxNode): SyntaxNode | null {
  let found: SyntaxNode | null = null;
  for (let n = node.parent; n; n = n.parent) if (isFunction(n)) found = n;
  return found;
}

/**
 * Whether the channel `name` made in `fn` is handed to work that will answer on it: sent on or
 * closed by a goroutine `fn` starts, or passed to a call, a composite literal or another channel, or
 * stored in a map element or a field.
 */
function handedToWork(fn: SyntaxNode, name: string): boolean {
  for (const id of descendantsOfType(fn, 'identifier')) {
    if (id.text !== name) continue;
    const p = id.parent;
    if (!p) continue;
    if (p.type === 'argument_list') {
      const callee = p.parent ? field(p.parent, 'function')?.text : undefined;
      if (callee !== 'len' && callee !== 'cap' && callee !== 'close') return true;
    }
    if (p.type === 'literal_element' || p.type === 'keyed_element') return true;
    // `pc.inFlight[id] = replies`, `s.waiting = replies`: registered where the code that answers finds it.
    if (p.type === 'expression_list' && p.parent?.type === 'assignment_statement' && field(p.parent, 'right')?.id === p.id) {
      if (named(field(p.parent, 'left')).some((l) => l.type === 'index_expression' || l.type === 'selector_expression')) return true;
    }
    if (p.type === 'send_statement' && field(p, 'value')?.id === id.id) return true;
    if (p.type === 'send_statement' && field(p, 'channel')?.id === id.id && insideGoroutine(p, fn)) return true;
  }
  return descendantsOfType(fn, ['go_statement', 'func_literal']).some((g) => (g.type === 'go_statement' || insideGoroutine(g.namedChildren[0] ?? g, fn)) && stopsChannelIn(g, name));
}

/**
 * Inside a `go` statement, a function literal given to `wg.Go` / `g.Go` (sync.WaitGroup, errgroup), or
 * one held in a variable that `fn` starts with `go name(…)` (`racer := func(…) {…}; go racer(…)`): a goroutine.
 */
function insideGoroutine(node: SyntaxNode, fn: SyntaxNode): boolean {
  for (let n = node.parent; n && n.id !== fn.id; n = n.parent) {
    if (n.type === 'go_statement') return true;
    if (n.type === 'func_literal' && n.parent?.type === 'argument_list') {
      const callee = n.parent.parent ? field(n.parent.parent, 'function') : null;
      if (callee?.type === 'selector_expression' && field(callee, 'field')?.text === 'Go') return true;
    }
    if (n.type === 'func_literal') {
      const name = boundName(n);
      if (name && startedWithGo(fn, name)) return true;
    }
  }
  return false;
}

/** `name` in `name := func(…) {…}` or `name = func(…) {…}`: the variable a function literal is bound to. */
function boundName(literal: SyntaxNode): string | null {
  const list = literal.parent;
  const decl = list?.parent;
  if (list?.type !== 'expression_list' || !decl || (decl.type !== 'short_var_declaration' && decl.type !== 'assignment_statement')) return null;
  if (field(decl, 'right')?.id !== list.id) return null;
  const i = named(list).findIndex((v) => v.id === literal.id);
  const left = named(field(decl, 'left'));
  return left.length === named(list).length && left[i]?.type === 'identifier' ? left[i].text : null;
}

/** Whether `fn` has a `go name(…)` statement. */
function startedWithGo(fn: SyntaxNode, name: string): boolean {
  return descendantsOfType(fn, 'go_statement').some((g) => {
    const call = named(g)[0];
    return call?.type === 'call_expression' && field(call, 'function')?.text === name;
  });
}

/** `case <-x.Done():`, `case <-r.Context().Done():` or `case <-done:` with `done := ctx.Done()`. */
function watchesDone(ctx: RuleContext, commCase: SyntaxNode): boolean {
  const chan = receivedChannel(commCase);
  if (!chan) return false;
  if (isDoneCall(chan)) return true;
  if (chan.type === 'identifier') {
    const decl = ctx.resolver.lookup(chan.text, chan);
    if (!decl) return false;
    const values = decl.node.type === 'short_var_declaration' || decl.node.type === 'var_spec' ? declaredValue(decl.node, chan.text) : null;
    return !!values && isDoneCall(unparen(values));
  }
  return false;
}

function declaredValue(decl: SyntaxNode, name: string): SyntaxNode | null {
  if (decl.type === 'short_var_declaration') {
    const left = named(field(decl, 'left'));
    const right = named(field(decl, 'right'));
    const i = left.findIndex((n) => n.text === name);
    return i >= 0 && right.length === left.length ? right[i] ?? null : null;
  }
  const names = fields(decl, 'name');
  const values = named(field(decl, 'value'));
  const i = names.findIndex((n) => n.text === name);
  return i >= 0 && values.length === names.length ? values[i] ?? null : null;
}

/**
 * Context expressions usable at `at`, nearest first: context parameters and variables of this
 * function and the functions it is nested in, `r.Context()` for an *http.Request in scope, and
 * context fields of the method's receiver.
 */
function reachableContexts(ctx: RuleContext, at: SyntaxNode): string[] {
  const found: string[] = [];
  const requests: string[] = [];
  const consider = (name: string): void => {
    if (name === '_' || found.includes(name)) return;
    const decl = ctx.resolver.lookup(name, at);
    if (decl?.type === CONTEXT) {
      if (!neverCancelled(ctx, decl, name)) found.push(name);
    }
    else if (decl?.type === HTTP_REQUEST && !requests.includes(name)) requests.push(name);
  };
  let child: SyntaxNode = at;
  for (let scope = at.parent; scope; child = scope, scope = scope.parent) {
    if (scope.type === 'statement_list') {
      for (const stmt of named(scope)) {
        if (stmt.startIndex >= child.startIndex) break;
        for (const name of declaredNames(stmt)) consider(name);
      }
    } else if (scope.type === 'if_statement' || scope.type === 'for_statement' || scope.type.endsWith('switch_statement')) {
      const init = field(scope, 'initializer') ?? field(named(scope).find((c) => c.type === 'for_clause') ?? null, 'initializer');
      if (init) for (const name of declaredNames(init)) consider(name);
    } else if (isFunction(scope)) {
      for (const list of [field(scope, 'parameters'), field(scope, 'receiver')]) {
        for (const p of named(list)) for (const n of fields(p, 'name')) consider(n.text);
      }
      if (scope.type === 'method_declaration') {
        const recvParam = named(field(scope, 'receiver'))[0];
        const recvName = recvParam ? fields(recvParam, 'name')[0]?.text : undefined;
        const recvType = receiverTypeName(scope);
        if (recvName && recvName !== '_' && recvType) {
          for (const fieldName of contextFields(ctx, recvType)) {
            const expr = `${recvName}.${fieldName}`;
            if (!found.includes(expr)) found.push(expr);
          }
        }
      }
      if (scope.type !== 'func_literal') break;
    }
  }
  return [...found, ...requests.map((r) => `${r}.Context()`)];
}

/**
 * `ctx := context.Background()` (or `TODO()`) never assigned again in its function: a context nobody
 * can cancel, so there is nothing to watch. Any other assignment to it (`ctx, cancel =
 * context.WithCancel(ctx)`) may make it cancellable, and keeps it.
 */
function neverCancelled(ctx: RuleContext, decl: Declaration, name: string): boolean {
  if (decl.kind !== 'var' || (decl.node.type !== 'short_var_declaration' && decl.node.type !== 'var_spec')) return false;
  const value = declaredValue(decl.node, name);
  const call = value ? unparen(value) : null;
  const callee = call?.type === 'call_expression' ? field(call, 'function') : null;
  const pkg = callee?.type === 'selector_expression' ? field(callee, 'operand') : null;
  if (!callee || pkg?.type !== 'identifier' || !/^(Background|TODO)$/.test(field(callee, 'field')?.text ?? '')) return false;
  if (ctx.resolver.importPathOf(pkg.text, pkg) !== 'context') return false;
  const owner = outermostFunction(decl.node) ?? decl.node;
  return !descendantsOfType(owner, ['assignment_statement', 'short_var_declaration']).some(
    (a) => a.id !== decl.node.id && named(field(a, 'left')).some((l) => l.text === name),
  );
}

function declaredNames(stmt: SyntaxNode): string[] {
  if (stmt.type === 'short_var_declaration') return named(field(stmt, 'left')).map((n) => n.text);
  if (stmt.type === 'var_declaration') return descendantsOfType(stmt, 'var_spec').flatMap((s) => fields(s, 'name').map((n) => n.text));
  return [];
}

function contextFields(ctx: RuleContext, structName: string): string[] {
  const result: string[] = [];
  for (const s of ctx.index.packageOf(ctx.file)) {
    const struct = s.structs.get(structName);
    if (!struct) continue;
    for (const [name, type] of struct) if (type === CONTEXT) result.push(name);
  }
  return result;
}

/** Quick fix: a `case <-ctx.Done():` that returns ctx.Err() (or zero values) to match the function. */
function addDoneCase(ctx: RuleContext, select: SyntaxNode, context: string): Fix | null {
  const close = select.child(select.childCount - 1);
  if (!close || close.type !== '}') return null;
  const firstCase = named(select).find((c) => c.type === 'communication_case');
  const selectIndent = indentOf(ctx.source, select);
  const caseIndent = firstCase && firstCase.startPosition.row !== select.startPosition.row ? indentOf(ctx.source, firstCase) : selectIndent;
  const unit = indentUnit(caseIndent || selectIndent);
  const ret = returnStatement(ctx, select, context);
  const caseText = `${caseIndent}case <-${context}.Done():\n${caseIndent}${unit}${ret}\n`;
  const lineStart = ctx.source.lastIndexOf('\n', close.startIndex - 1) + 1;
  const onOwnLine = /^[ \t]*$/.test(ctx.source.slice(lineStart, close.startIndex));
  const at = onOwnLine
    ? { line: close.startPosition.row, character: 0 }
    : { line: close.startPosition.row, character: close.startPosition.column };
  const newText = onOwnLine ? caseText : `\n${caseText}${selectIndent}`;
  return { title: `Add \`case <-${context}.Done()\``, edits: [{ range: { start: at, end: at }, newText }] };
}

function returnStatement(ctx: RuleContext, at: SyntaxNode, context: string): string {
  let fn: SyntaxNode | null = at.parent;
  while (fn && !isFunction(fn)) fn = fn.parent;
  const result = fn ? field(fn, 'result') : null;
  if (!result) return 'return';
  const types: Array<{ canonical: string | undefined; spelled: string }> = [];
  if (result.type === 'parameter_list') {
    for (const p of named(result)) {
      const t = field(p, 'type');
      if (!t) continue;
      const count = Math.max(1, fields(p, 'name').length);
      for (let i = 0; i < count; i++) types.push({ canonical: ctx.resolver.typeOfTypeNode(t), spelled: t.text });
    }
  } else {
    types.push({ canonical: ctx.resolver.typeOfTypeNode(result), spelled: result.text });
  }
  const values = types.map((t, i) =>
    t.canonical === 'error' && i === types.length - 1 ? `${context}.Err()` : zeroValue(t.canonical, ctx.resolver.pkg, t.spelled),
  );
  return `return ${values.join(', ')}`;
}
