import type { SyntaxNode } from '../../go/parser';
import { channelUses, innermostLiteral, localChannelOf, type LocalChannel } from '../../go/channelUses';
import { receivedChannel } from '../../go/channels';
import { contains, descendantsOfType, field, isFunction, labelTarget, named, unparen } from '../../go/syntax';

/**
 * Shapes of real code that give a goroutine what it waits for although a plain count of receives, sends
 * and paths says otherwise (each met in the Go source tree, each a negative fixture in
 * test/fixtures/lint/goroutine-stuck-on-channel/realcode.go proven leak-free by the runtime).
 */

/**
 * How many times a `for` loop runs when its code fixes it: `for i := 0; i < 2; i++`, `for range 3`, a range
 * over a literal list (`for _, n := range []string{"a", "b"}`); else null.
 */
export function constantTripCount(loop: SyntaxNode): number | null {
  const range = named(loop).find((n) => n.type === 'range_clause');
  if (range) {
    const right = field(range, 'right');
    if (right?.type === 'composite_literal' && field(right, 'type')?.type !== 'map_type') {
      return named(field(right, 'body')).filter((e) => e.type === 'literal_element' || e.type === 'keyed_element').length;
    }
    return right?.type === 'int_literal' ? intValue(right) : null;
  }
  const clause = named(loop).find((n) => n.type === 'for_clause');
  if (!clause) return null;
  const init = field(clause, 'initializer');
  const cond = field(clause, 'condition');
  const update = field(clause, 'update');
  if (init?.type !== 'short_var_declaration' || cond?.type !== 'binary_expression' || update?.type !== 'inc_statement') return null;
  const counter = named(field(init, 'left'));
  const start = named(field(init, 'right'));
  if (counter.length !== 1 || start.length !== 1 || start[0]!.type !== 'int_literal') return null;
  const name = counter[0]!.text;
  if (named(update)[0]?.text !== name || field(cond, 'left')?.text !== name) return null;
  const bound = field(cond, 'right');
  if (bound?.type !== 'int_literal') return null;
  // The counter must not move inside the body (`i++` or `i = …` there would change the count).
  const body = field(loop, 'body');
  const moved = body && descendantsOfType(body, ['inc_statement', 'dec_statement', 'assignment_statement']).some((s) => named(field(s, 'left') ?? s).some((n) => n.text === name));
  if (moved) return null;
  const from = intValue(start[0]!);
  const to = intValue(bound);
  const op = field(cond, 'operator')?.text;
  if (from === null || to === null) return null;
  const n = op === '<' ? to - from : op === '<=' ? to - from + 1 : null;
  return n === null ? null : Math.max(0, n);
}

function intValue(lit: SyntaxNode): number | null {
  const v = Number(lit.text.replace(/_/g, ''));
  return Number.isSafeInteger(v) ? v : null;
}

/**
 * Whether `ifStmt` is a countdown's end: `if running == 0 { … }` in a statement list that receives from
 * `channel` and decrements `running` (`running--`) before it. The owner counted its goroutines into the
 * counter and returns only when every one of them has reported (internal/fuzz's coordinator).
 */
export function endsCountdown(ifStmt: SyntaxNode, channel: string): boolean {
  const counter = zeroTestedCounter(field(ifStmt, 'condition'));
  const list = ifStmt.parent;
  if (!counter || list?.type !== 'statement_list') return false;
  const before = named(list).filter((s) => s.endIndex <= ifStmt.startIndex);
  const decrements = before.some(
    (s) => (s.type === 'dec_statement' && named(s)[0]?.text === counter) || (s.type === 'assignment_statement' && /^-=$/.test(s.child(1)?.text ?? '') && field(s, 'left')?.text === counter && field(s, 'right')?.text === '1'),
  );
  if (!decrements) return false;
  // The receive: in the statements before, or the select case the list belongs to.
  const receives = (n: SyntaxNode) => descendantsOfType(n, 'unary_expression').some((u) => u.child(0)?.text === '<-' && unparen(named(u)[0] ?? u).text === channel);
  const kase = list.parent?.type === 'communication_case' ? list.parent : null;
  const comm = kase ? field(kase, 'communication') : null;
  return before.some(receives) || (!!comm && receives(comm));
}

/** `n == 0`, `0 == n`, `n <= 0`, `n < 1`: the name of `n`; null for any other condition. */
function zeroTestedCounter(cond: SyntaxNode | null): string | null {
  if (cond?.type !== 'binary_expression') return null;
  const left = field(cond, 'left');
  const right = field(cond, 'right');
  const op = field(cond, 'operator')?.text;
  if (left?.type === 'identifier' && right?.type === 'int_literal') {
    if ((op === '==' || op === '<=') && intValue(right) === 0) return left.text;
    if (op === '<' && intValue(right) === 1) return left.text;
  }
  if (op === '==' && left?.type === 'int_literal' && intValue(left) === 0 && right?.type === 'identifier') return right.text;
  return null;
}

/**
 * Whether the value of a receive inside `loop` decides whether the loop ends: `if <-done { return }`,
 * `if cmd := <-ch; cmd == "stop" { return }`, `v := <-ch` followed by `if v … { break }`. One send of the
 * ending value ends the goroutine (runtime/metrics_test's lock waiter), not a send per turn.
 */
export function receiveDecidesExit(receive: SyntaxNode, loop: SyntaxNode): boolean {
  let stmt: SyntaxNode | null = receive.parent;
  while (stmt && stmt.parent && stmt.parent.type !== 'statement_list' && stmt.type !== 'if_statement' && !isFunction(stmt)) stmt = stmt.parent;
  if (!stmt) return false;
  if (stmt.type === 'if_statement') {
    const head = [field(stmt, 'initializer'), field(stmt, 'condition')];
    return head.some((h) => !!h && h.startIndex <= receive.startIndex && receive.endIndex <= h.endIndex) && leavesLoop(field(stmt, 'consequence'), loop);
  }
  if (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement') return false;
  const names = named(field(stmt, 'left')).map((n) => n.text);
  const next = named(stmt.parent).find((s) => s.startIndex > stmt!.endIndex - 1 && s.type !== 'comment');
  if (next?.type !== 'if_statement') return false;
  const cond = field(next, 'condition');
  return !!cond && descendantsOfType(cond, 'identifier').some((id) => names.includes(id.text)) && leavesLoop(field(next, 'consequence'), loop);
}

/** Whether a block leaves `loop`: a return, or a break that targets it. */
function leavesLoop(block: SyntaxNode | null, loop: SyntaxNode): boolean {
  if (!block) return false;
  if (descendantsOfType(block, 'return_statement').some((r) => innermostLiteral(r, block) === null)) return true;
  return descendantsOfType(block, 'break_statement').some((b) => {
    if (innermostLiteral(b, block) !== null) return false;
    if (labelTarget(b)) return loop.parent?.type === 'labeled_statement' && labelTarget(b) === named(loop.parent)[0]?.text;
    for (let n = b.parent; n && n.id !== block.id; n = n.parent) {
      if (['for_statement', 'select_statement', 'expression_switch_statement', 'type_switch_statement'].includes(n.type)) return false;
    }
    return true;
  });
}

/**
 * Whether a case of a select in `owner` can never be chosen: it sends on a local unbuffered channel nothing
 * ever receives from, or receives from a local channel nothing ever sends on or closes (runtime/pprof's
 * blockSelectSendSync: the other case is always the one that runs).
 */
export function caseCanNeverRun(kase: SyntaxNode, owner: SyntaxNode): boolean {
  const comm = field(kase, 'communication');
  if (!comm) return false;
  const sending = comm.type === 'send_statement';
  const target = sending ? field(comm, 'channel') : receivedChannel(kase);
  if (target?.type !== 'identifier') return false;
  const ch = localChannelNamed(target.text, owner);
  if (!ch || ch.make.startIndex > kase.startIndex) return false;
  if (sending && ch.capacity !== 0) return false;
  const uses = channelUses(ch);
  if (uses.some((u) => u.kind === 'escape' || u.inOtherLiteral)) return false;
  const completes = sending ? ['receive', 'range'] : ['send', 'close'];
  return !uses.some((u) => completes.includes(u.kind));
}

/**
 * How many values of `channel` the consequence of `ifStmt` knows were received, from counters: the
 * condition requires `steps == 2` (or `>= 2`, as one of its `&&` terms) and every `steps++` of the
 * function follows a receive from `channel` (tailscale's loopback test counts two steps of each side).
 * 0 when it knows nothing.
 */
export function receivesCounted(ifStmt: SyntaxNode, channel: string, owner: SyntaxNode): number {
  const body = field(owner, 'body');
  if (!body) return 0;
  let known = 0;
  for (const term of conjuncts(field(ifStmt, 'condition'))) {
    const op = field(term, 'operator')?.text;
    const left = field(term, 'left');
    const right = field(term, 'right');
    if ((op !== '==' && op !== '>=') || left?.type !== 'identifier' || right?.type !== 'int_literal') continue;
    const bumps = descendantsOfType(body, 'inc_statement').filter((inc) => named(inc)[0]?.text === left.text && innermostLiteral(inc, body) === null);
    if (bumps.length > 0 && bumps.every((inc) => followsReceive(inc, channel))) known = Math.max(known, intValue(right) ?? 0);
  }
  return known;
}

function conjuncts(cond: SyntaxNode | null): SyntaxNode[] {
  if (!cond) return [];
  const c = unparen(cond);
  if (c.type === 'binary_expression' && field(c, 'operator')?.text === '&&') return [...conjuncts(field(c, 'left')), ...conjuncts(field(c, 'right'))];
  return [c];
}

/** Whether a statement comes after a receive from `channel` in its list, or in a select case receiving from it. */
function followsReceive(stmt: SyntaxNode, channel: string): boolean {
  const list = stmt.parent;
  if (list?.type !== 'statement_list') return false;
  const receives = (n: SyntaxNode) => descendantsOfType(n, 'unary_expression').some((u) => u.child(0)?.text === '<-' && unparen(named(u)[0] ?? u).text === channel);
  if (named(list).some((s) => s.endIndex <= stmt.startIndex && receives(s))) return true;
  const kase = list.parent?.type === 'communication_case' ? list.parent : null;
  const comm = kase ? field(kase, 'communication') : null;
  return !!comm && receives(comm);
}

/** The one channel named `name` that `owner` makes itself; null when there is none or more than one. */
function localChannelNamed(name: string, owner: SyntaxNode): LocalChannel | null {
  const body = field(owner, 'body');
  if (!body) return null;
  const made = descendantsOfType(body, 'call_expression')
    .filter((c) => field(c, 'function')?.text === 'make')
    .map((c) => localChannelOf(c))
    .filter((ch): ch is LocalChannel => ch?.name === name && ch.owner.id === owner.id);
  return made.length === 1 ? made[0]! : null;
}

/**
 * The unbuffered local channels the owner only sends on and `go`'s goroutine only receives from to return
 * (`case <-stop: return`): once the owner's send completes, the goroutine has taken it and is gone, so it
 * will never send anything more (tailscale's sendData stops its reader this way).
 */
export function stopsEndingGoroutine(go: SyntaxNode, owner: SyntaxNode): Set<string> {
  const names = new Set<string>();
  const body = field(owner, 'body');
  if (!body) return names;
  for (const make of descendantsOfType(body, 'call_expression')) {
    if (field(make, 'function')?.text !== 'make') continue;
    const ch = localChannelOf(make);
    if (!ch || ch.owner.id !== owner.id || ch.capacity !== 0 || localChannelNamed(ch.name, owner) === null) continue;
    const uses = channelUses(ch);
    if (uses.length === 0 || uses.some((u) => u.kind === 'escape' || u.inOtherLiteral)) continue;
    const own = uses.filter((u) => !u.goroutine);
    const theirs = uses.filter((u) => u.goroutine);
    // The owner sends it (and may close it on the way out, `defer close(stop)`); nobody else touches it.
    if (!own.some((u) => u.kind === 'send') || own.some((u) => u.kind !== 'send' && u.kind !== 'close')) continue;
    if (theirs.length === 0 || theirs.some((u) => u.goroutine!.id !== go.id || u.kind !== 'receive' || !returnsOnReceipt(u.node))) continue;
    names.add(ch.name);
  }
  return names;
}

/** Whether taking this receive ends the goroutine: `case <-stop: return`, or `<-stop` then `return`. */
function returnsOnReceipt(id: SyntaxNode): boolean {
  let expr = id.parent;
  while (expr?.type === 'parenthesized_expression') expr = expr.parent;
  const holder = expr?.parent;
  const firstOf = (list: SyntaxNode | null | undefined) => named(list).filter((c) => c.type !== 'comment')[0];
  if (holder?.type === 'receive_statement' || holder?.type === 'expression_statement') {
    const kase = holder.parent;
    if (kase?.type === 'communication_case' && field(kase, 'communication')?.id === holder.id) {
      const list = named(kase).find((c) => c.type === 'statement_list');
      return firstOf(list)?.type === 'return_statement';
    }
    if (holder.type === 'expression_statement' && kase?.type === 'statement_list') {
      const next = named(kase).filter((c) => c.type !== 'comment').find((c) => c.startIndex > holder.startIndex);
      return next?.type === 'return_statement';
    }
  }
  return false;
}

/**
 * Whether `node` inside `loop` runs on one iteration only: under `if i == 0 { … }` where `i` is the loop's
 * own counter (`for i := 0; i < 2; i++`) and the body does not move it (nats.go's two-server test server).
 */
export function runsOnOneIteration(node: SyntaxNode, loop: SyntaxNode): boolean {
  const clause = named(loop).find((n) => n.type === 'for_clause');
  const init = field(clause ?? null, 'initializer');
  const counter = init?.type === 'short_var_declaration' ? named(field(init, 'left'))[0]?.text : undefined;
  if (!counter || constantTripCount(loop) === null) return false;
  for (let n = node.parent; n && n.id !== loop.id; n = n.parent) {
    if (n.type !== 'if_statement' || !contains(field(n, 'consequence') ?? n, node)) continue;
    const cond = field(n, 'condition');
    if (cond?.type !== 'binary_expression' || field(cond, 'operator')?.text !== '==') continue;
    const sides = [field(cond, 'left'), field(cond, 'right')];
    if (sides.some((x) => x?.text === counter) && sides.some((x) => x?.type === 'int_literal')) return true;
  }
  return false;
}
