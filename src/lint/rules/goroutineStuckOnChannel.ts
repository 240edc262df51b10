import { nodeRange, type SyntaxNode } from '../../go/parser';
import { channelUses, localChannelOf, type ChannelUse, type LocalChannel } from '../../go/channelUses';
import { channelName, isDoneCall, isTimerChannel, isTimerName, receivedChannel, selectCases } from '../../go/channels';
import { contains, descendantsOfType, field, findByText, isFunction, isTerminatingCall, labelTarget, named, statements } from '../../go/syntax';
import { caseCanNeverRun, constantTripCount, endsCountdown, receiveDecidesExit, receivesCounted, runsOnOneIteration, stopsEndingGoroutine } from './goroutineStuckOnChannelShapes';
import type { Fix } from '../types';
import { defineRule, type RuleContext, type RuleFinding } from './rule';

/**
 * goroutine-stuck-on-channel: a function starts a goroutine that sends on a channel the function made
 * (unbuffered, or with fewer slots than the goroutine sends), and some path of the function returns
 * without receiving what it sends; or the goroutine waits on the channel (ranges over it, receives
 * from it) and some path returns without closing it. The goroutine then blocks forever: the leak
 * Go 1.27's goroutineleak profile proves at run time. Docs: docs/rules/goroutine-stuck-on-channel.md
 */
/** Where the rule's candidates are: a `make(chan …)` (the channel a function makes). */
const MAKE_CHAN = /\bmake\s*\(\s*(?:chan\b|<-\s*chan\b)/;

export const goroutineStuckOnChannel = defineRule({
  id: 'goroutine-stuck-on-channel',
  summary: 'a goroutine blocks forever on a channel its starter can return without receiving from (or closing): its stack and everything it holds',
  severity: 'warning',
  quickFix: 'Buffer the channel for every send of the goroutine',
  // The channel, its goroutines and every path the rule follows are inside one function: its declaration alone.
  dependsOn: [],
  mayReport: (source) => MAKE_CHAN.test(source),
  check(ctx: RuleContext): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const make of findByText(ctx.root, ctx.source, MAKE_CHAN, 'call_expression', 2)) {
      const ch = localChannelOf(make);
      if (!ch || isMainOrInit(ch.owner)) continue;
      const finding = checkChannel(ctx, ch);
      // One warning per goroutine: a goroutine that sends its result on one channel or its error on another
      // is abandoned once, whichever channel the first finding names.
      if (finding && !findings.some((f) => f.range.start.line === finding.range.start.line && f.range.start.character === finding.range.start.character)) findings.push(finding);
    }
    return findings;
  },
});

/** What a goroutine receiving in a loop needs: more than any count of single sends, less than a loop of them. */
const RECEIVES_IN_A_LOOP = Number.MAX_SAFE_INTEGER;

/** Received, closed or sent so far on a path: enough once it reaches what the goroutine needs. */
type Credit = number;

/** Where a path leaves the function without giving the goroutine what it waits for. */
interface Abandon {
  node: SyntaxNode;
  /** How the path gets there: `an early return`, `the <-ctx.Done() case of the select`. */
  how: string;
  /** The path gives up waiting (a context's Done, a timer): the goroutine is abandoned whatever it does. */
  cancels?: boolean;
}

/** What one statement (list) does to the paths through it. */
interface Outcome {
  abandon: Abandon | null;
  /** The least credit on a path that goes on after it; null when none goes on. */
  out: Credit | null;
}

type Role = 'sender' | 'receiver';

function checkChannel(ctx: RuleContext, ch: LocalChannel): RuleFinding | null {
  const uses = channelUses(ch);
  // Handed on (returned, stored, passed to a function, captured by a callback): someone else may receive.
  if (uses.some((u) => u.kind === 'escape' || u.inOtherLiteral)) return null;
  // By the go statement's node id: the tree hands out a new object for each visit of a node.
  const byGoroutine = new Map<number, [SyntaxNode, ChannelUse[]]>();
  const own: ChannelUse[] = [];
  for (const u of uses) {
    if (!u.goroutine) own.push(u);
    else {
      const entry = byGoroutine.get(u.goroutine.id) ?? [u.goroutine, []];
      entry[1].push(u);
      byGoroutine.set(u.goroutine.id, entry);
    }
  }
  const blocking = (us: ChannelUse[], kinds: string[]) => us.filter((u) => kinds.includes(u.kind) && !u.guarded);
  const senders = [...byGoroutine.values()].filter(([, us]) => blocking(us, ['send']).length > 0);
  const receivers = [...byGoroutine.values()].filter(([, us]) => blocking(us, ['receive', 'range']).length > 0);
  // Goroutines talking to each other over it (a pipeline, even when the receiving one waits in a select with
  // other cases: argo-cd's ticker goroutine), or one that closes it itself: not this pattern.
  if (senders.length > 0 && receivers.length > 0) return null;
  const sending = new Set(senders.map(([g]) => g.id));
  if (senders.length > 0 && [...byGoroutine.values()].some(([g, us]) => !sending.has(g.id) && us.some((u) => u.kind === 'receive' || u.kind === 'range'))) return null;
  if ([...byGoroutine.values()].some(([, us]) => us.some((u) => u.kind === 'receive' || u.kind === 'range') && us.some((u) => u.kind === 'send'))) return null;
  if (senders.length > 0) {
    if (own.some((u) => u.kind === 'send')) return null;
    // Another goroutine closes it (`go func() { wg.Wait(); close(done) }()`): a fan-in the owner ranges over. A
    // sender that closes it after its sends (`results <- probe(); close(results)`) still blocks on the send.
    if ([...byGoroutine.values()].some(([g, us]) => !sending.has(g.id) && us.some((u) => u.kind === 'close'))) return null;
    const go = senders[0]![0];
    let sends = 0;
    let unbounded: 'fanOut' | 'loop' | null = null;
    const started: Array<{ go: SyntaxNode; sends: number }> = [];
    for (const [g, us] of senders) {
      const loop = loopAround(g, ch.scope);
      // A goroutine started in a loop whose iterations receive from it: one goroutine per receive. Started
      // in a loop that runs a fixed number of times (`for i := 0; i < 2; i++`): that many goroutines.
      let copies = 1;
      if (loop && !ownerReceivesIn(loop, ch)) {
        const fixed = startsPerRun(g, ch.scope);
        if (fixed === null) unbounded = 'fanOut';
        else copies = fixed;
      }
      const n = goroutineSends(g, new Set(us.filter((u) => u.kind === 'send').map((u) => u.node.parent?.id ?? -1)));
      if (n === Infinity) unbounded ??= 'loop';
      else {
        sends += n * copies;
        started.push({ go: g, sends: n * copies });
      }
    }
    // How many goroutines or sends is unknown: with any slots the buffer may be enough; unbuffered, a fan-out
    // must be received from as often as it started goroutines, a sending loop at least once.
    if (ch.capacity === null || (unbounded && ch.capacity > 0)) return null;
    // A stop signal the one goroutine takes only to return: once the owner's send of it completes, it is gone.
    // Looked for only when the owner sends on another channel (it reads every channel of the function).
    const stoppers = senders.length === 1 && !loopAround(go, ch.scope) ? () => stopsEndingGoroutine(go, ch.owner) : () => new Set<string>();
    if (unbounded) return report(ctx, ch, 'sender', go, blocking(senders[0]![1], ['send'])[0]!.node, unbounded === 'fanOut' ? Infinity : 1, Infinity, siblingsOf(ch, senders), undefined, stoppers);
    if (ch.capacity >= sends) return null;
    // A return before a later goroutine starts owes only the sends of those already started.
    const capacity = ch.capacity;
    const needAt = (at: SyntaxNode) => Math.max(0, started.filter((s) => s.go.startIndex < at.startIndex).reduce((n, s) => n + s.sends, 0) - capacity);
    return report(ctx, ch, 'sender', go, blocking(senders[0]![1], ['send'])[0]!.node, sends - ch.capacity, sends, siblingsOf(ch, senders), needAt, stoppers);
  }
  if (receivers.length === 1 && ch.capacity !== null) {
    const [go, us] = receivers[0]!;
    if (own.some((u) => u.kind === 'receive' || u.kind === 'range')) return null;
    // Another goroutine closes it (`go func() { wg.Wait(); close(done) }()`).
    if ([...byGoroutine.values()].some(([g, other]) => g.id !== go.id && other.some((u) => u.kind === 'close'))) return null;
    if (loopAround(go, ch.scope)) return null;
    const waits = blocking(us, ['receive', 'range']);
    // A range ends only with a close; receives in a loop take turns with the owner's sends (a handshake), which a
    // loop of sends is taken to match, unless the value received decides when the loop ends (one send of it
    // is enough); a fixed number of receives needs as many sends (or a close).
    const top = field(go, 'body') ?? go;
    const looped = waits.map((u) => [u, loopWithin(u.node, top)] as const).filter(([u, loop]) => loop !== null && !runsOnOneIteration(u.node, loop));
    const need = waits.some((u) => u.kind === 'range')
      ? Infinity
      : looped.length === 0
        ? waits.length
        : looped.every(([u, loop]) => receiveDecidesExit(u.node, loop!))
          ? waits.length - looped.length + 1
          : RECEIVES_IN_A_LOOP;
    return report(ctx, ch, 'receiver', go, waits[0]!.node, need, 0, new Set());
  }
  return null;
}

function report(
  ctx: RuleContext,
  ch: LocalChannel,
  role: Role,
  go: SyntaxNode,
  blockedAt: SyntaxNode,
  need: number,
  sends: number,
  siblings: Set<string>,
  needAt: (at: SyntaxNode) => number = () => need,
  stoppers: () => Set<string> = () => new Set(),
): RuleFinding | null {
  const abandon = firstAbandon(go, ch, role, need, siblings, needAt, stoppers);
  if (!abandon) return null;
  // A goroutine that sends only on some of its paths (an error it may never meet) is abandoned for sure only
  // when the starter gives up waiting (a context, a timer); after a success signal or an early return it has
  // most likely sent nothing.
  if (role === 'sender' && !abandon.cancels && !alwaysSends(go, ch, siblings)) return null;
  const fn = functionName(ch.owner);
  const line = (n: SyntaxNode) => n.startPosition.row + 1;
  const buffer = ch.capacity === 0 ? 'unbuffered' : `${ch.capacity} slot${ch.capacity === 1 ? '' : 's'}`;
  const where = `${abandon.how} at line ${line(abandon.node)}`;
  const message =
    role === 'sender'
      ? `This goroutine sends on \`${ch.name}\` (${buffer}) at line ${line(blockedAt)}, but ${fn} can return without receiving ${need > 1 ? 'every value it sends' : 'it'} (${where}): the goroutine then blocks on its send forever.`
      : `This goroutine waits on \`${ch.name}\` at line ${line(blockedAt)}, but ${fn} can return without ${need === Infinity ? 'closing it' : 'sending to it or closing it'} (${where}): the goroutine then blocks forever.`;
  const fixes: Fix[] = [];
  // Enough slots for every send is the whole fix: the goroutine then never waits for a receiver.
  if (role === 'sender' && Number.isFinite(sends)) {
    const args = field(ch.make, 'arguments');
    const type = named(args)[0];
    if (args && type) {
      fixes.push({
        title: `Give \`${ch.name}\` ${sends} slot${sends === 1 ? '' : 's'}: make(${type.text}, ${sends})`,
        edits: [{ range: nodeRange(args), newText: `(${type.text}, ${sends})` }],
      });
    }
  }
  return { message, range: firstLineOf(ctx, go), fixes };
}

/** The go statement's first line: the warning marks where the goroutine starts, not its whole body. */
function firstLineOf(ctx: RuleContext, go: SyntaxNode): RuleFinding['range'] {
  const r = nodeRange(go);
  if (r.start.line === r.end.line) return r;
  const lineEnd = ctx.source.indexOf('\n', go.startIndex);
  return { start: r.start, end: { line: r.start.line, character: r.start.character + (lineEnd - go.startIndex) } };
}

function functionName(owner: SyntaxNode): string {
  if (owner.type === 'func_literal') return 'the enclosing function literal';
  return `\`${field(owner, 'name')?.text ?? 'the function'}\``;
}

function isMainOrInit(owner: SyntaxNode): boolean {
  if (owner.type !== 'function_declaration') return false;
  const name = field(owner, 'name')?.text;
  // main's return ends the process; init's goroutines are meant to live as long as it.
  return name === 'init' || (name === 'main' && named(field(owner, 'parameters')).length === 0);
}

/** The innermost `for` loop between the channel's declaration and `go` (the goroutine starts once per iteration). */
function loopAround(go: SyntaxNode, scope: SyntaxNode): SyntaxNode | null {
  for (let n = go.parent; n && n.id !== scope.id && !isFunction(n); n = n.parent) if (n.type === 'for_statement') return n;
  return null;
}

/** Whether the owner itself receives from the channel inside `loop` (not in a function literal). */
function ownerReceivesIn(loop: SyntaxNode, ch: LocalChannel): boolean {
  return descendantsOfType(loop, 'identifier').some(
    (id) => id.text === ch.name && !isInNestedLiteral(id, loop) && ((id.parent?.type === 'unary_expression' && id.parent.child(0)?.text === '<-') || id.parent?.type === 'range_clause'),
  );
}

/**
 * The other local channels the sending goroutines send on (`resultsCh` beside `errCh`): a goroutine that
 * sends its result on one or its error on the other has sent its last value once either is received.
 */
function siblingsOf(ch: LocalChannel, senders: Array<[SyntaxNode, ChannelUse[]]>): Set<string> {
  const names = new Set<string>();
  for (const [go] of senders) {
    for (const send of descendantsOfType(go, 'send_statement')) {
      const target = field(send, 'channel');
      if (target?.type === 'identifier' && target.text !== ch.name) names.add(target.text);
    }
  }
  return names;
}

/** Whether every path of the goroutine sends on the channel (or on a sibling: its result or its error). */
function alwaysSends(go: SyntaxNode, ch: LocalChannel, siblings: Set<string>): boolean {
  const call = named(go)[0];
  const literal = call ? field(call, 'function') : null;
  const body = literal?.type === 'func_literal' ? field(literal, 'body') : null;
  if (!body) return false;
  const names = new Set([ch.name, ...siblings]);
  // The literal's parameter that receives the channel sends for it.
  const args = named(field(call ?? null, 'arguments'));
  const params = named(field(literal, 'parameters')).flatMap((p) => p.childrenForFieldName('name').map((n) => n?.text ?? '_'));
  args.forEach((a, i) => {
    if (names.has(a.text) && params[i]) names.add(params[i]);
  });
  const sendsHere = (n: SyntaxNode) => n.type === 'send_statement' && names.has(field(n, 'channel')?.text ?? '');
  const must = (stmts: SyntaxNode[]): boolean => {
    for (const st of stmts) {
      if (sendsHere(st)) return true;
      if (st.type === 'return_statement' || isTerminatingCall(st)) return false;
      if (st.type === 'block' && must(statements(st))) return true;
      if (st.type === 'if_statement') {
        const alt = field(st, 'alternative');
        if (alt && must(statements(field(st, 'consequence'))) && (alt.type === 'block' ? must(statements(alt)) : must([alt]))) return true;
        // A branch that returns without sending ends that path without a send.
        if (descendantsOfType(field(st, 'consequence') ?? st, 'return_statement').length > 0 && !must(statements(field(st, 'consequence')))) return false;
      }
      if (st.type === 'select_statement' && selectCases(st).every((c) => named(c).some(sendsHere) || must(statements(c)))) return true;
      if ((st.type === 'expression_switch_statement' || st.type === 'type_switch_statement') && named(st).some((c) => c.type === 'default_case')) {
        if (named(st).filter((c) => c.type.endsWith('_case')).every((c) => must(statements(c)))) return true;
      }
    }
    return false;
  };
  return must(statements(body));
}

/** The innermost `for` loop around `node` below `top`, if any. */
function loopWithin(node: SyntaxNode, top: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n && n.id !== top.id && !isFunction(n); n = n.parent) if (n.type === 'for_statement') return n;
  return null;
}

/** How many goroutines one run of the owner starts at `go`: the product of the fixed trip counts of the loops around it; null when one is not fixed. */
function startsPerRun(go: SyntaxNode, scope: SyntaxNode): number | null {
  let copies = 1;
  for (let n = go.parent; n && n.id !== scope.id && !isFunction(n); n = n.parent) {
    if (n.type !== 'for_statement') continue;
    const trips = constantTripCount(n);
    if (trips === null) return null;
    copies *= trips;
  }
  return copies;
}

/**
 * How many values a started goroutine sends at most on one path: Infinity when it sends in a loop
 * (unless the send leaves the loop right after).
 */
function goroutineSends(go: SyntaxNode, sendIds: Set<number>): number {
  const call = named(go)[0];
  const literal = call ? field(call, 'function') : null;
  const body = literal?.type === 'func_literal' ? field(literal, 'body') : null;
  if (!body) return Infinity;
  const sends = (n: SyntaxNode) =>
    descendantsOfType(n, 'send_statement').filter((s) => sendIds.has(s.id) && !isInNestedLiteral(s, body) && !isSelectCase(s)).length + selectSendCount(n, body, sendIds);
  const paths = sendPaths(statements(body), sends);
  return Math.max(paths.ended, paths.falls ?? 0);
}

function isInNestedLiteral(node: SyntaxNode, top: SyntaxNode): boolean {
  for (let n = node.parent; n && n.id !== top.id; n = n.parent) if (n.type === 'func_literal') return true;
  return false;
}

function isSelectCase(send: SyntaxNode): boolean {
  return send.parent?.type === 'communication_case';
}

/** Sends that are a select's only case (`select { case ch <- v: }`): they block like a plain send. */
function selectSendCount(node: SyntaxNode, top: SyntaxNode, sendIds: Set<number>): number {
  return descendantsOfType(node, 'select_statement').filter(
    (s) => !isInNestedLiteral(s, top) && selectCases(s).length === 1 && named(selectCases(s)[0]!).some((c) => c.type === 'send_statement' && sendIds.has(c.id)),
  ).length;
}

/** Max sends on paths through `stmts`: those that end inside (return) and those that go on. */
function sendPaths(stmts: SyntaxNode[], sends: (n: SyntaxNode) => number): { ended: number; falls: number | null } {
  let ended = 0;
  let acc = 0;
  for (const s of stmts) {
    const r = sendPathsOf(s, sends);
    ended = Math.max(ended, acc + r.ended);
    if (r.falls === null) return { ended, falls: null };
    acc += r.falls;
  }
  return { ended, falls: acc };
}

function sendPathsOf(s: SyntaxNode, sends: (n: SyntaxNode) => number): { ended: number; falls: number | null } {
  switch (s.type) {
    case 'return_statement':
      return { ended: sends(s), falls: null };
    case 'block':
      return sendPaths(statements(s), sends);
    case 'if_statement': {
      const a = sendPaths(statements(field(s, 'consequence')), sends);
      const altNode = field(s, 'alternative');
      const b = altNode ? (altNode.type === 'block' ? sendPaths(statements(altNode), sends) : sendPathsOf(altNode, sends)) : { ended: 0, falls: 0 };
      const falls = a.falls === null ? b.falls : b.falls === null ? a.falls : Math.max(a.falls, b.falls);
      return { ended: Math.max(a.ended, b.ended), falls };
    }
    case 'expression_switch_statement':
    case 'type_switch_statement':
    case 'select_statement': {
      // One case runs: the most any case sends. A select of one send case blocks like a plain send.
      if (s.type === 'select_statement' && selectCases(s).length === 1) return { ended: sends(s), falls: sends(s) };
      const cases = named(s).filter((c) => c.type.endsWith('_case'));
      let ended = 0;
      let falls: number | null = cases.some((c) => c.type === 'default_case') || s.type === 'select_statement' ? null : 0;
      for (const c of cases) {
        const r = sendPaths(statements(c), sends);
        ended = Math.max(ended, r.ended);
        if (r.falls !== null) falls = Math.max(falls ?? 0, r.falls);
      }
      return { ended, falls };
    }
    case 'for_statement': {
      const body = field(s, 'body');
      const inside = body ? sends(body) : 0;
      if (inside === 0) return { ended: 0, falls: 0 };
      // A send followed by a return or break leaves the loop: at most one per run of the loop. When every
      // one is followed by a return, the path that leaves the loop by its condition sent nothing in it.
      const after = descendantsOfType(body!, 'send_statement').map((send) => {
        const list = send.parent;
        const next = list ? named(list).filter((c) => c.type !== 'comment').find((c) => c.startIndex > send.startIndex) : undefined;
        return next?.type === 'return_statement' ? 'return' : next?.type === 'break_statement' && !labelTarget(next) ? 'break' : 'stays';
      });
      if (after.includes('stays')) return { ended: Infinity, falls: Infinity };
      return { ended: 1, falls: after.includes('break') ? 1 : 0 };
    }
    default: {
      if (isTerminatingCall(s)) return { ended: 0, falls: null };
      const n = sends(s);
      return { ended: n, falls: n };
    }
  }
}

/**
 * The first path after the `go` statement that leaves the owner with less than `need` received (a
 * sender) or sent and closed (a receiver); null when every path gives the goroutine what it waits for.
 */
function firstAbandon(
  go: SyntaxNode,
  ch: LocalChannel,
  role: Role,
  need: number,
  siblings: Set<string>,
  needAt: (at: SyntaxNode) => number,
  stoppers: () => Set<string>,
): Abandon | null {
  const body = field(ch.owner, 'body');
  if (!body) return null;
  const walker = new PathWalker(ch, role, need, siblings, needAt, stoppers);
  // The statements after the go statement up to the end of the list that declares the channel: past it
  // nothing can reach the channel any more.
  const rest: SyntaxNode[] = [];
  for (let n: SyntaxNode = go; n.parent && n.id !== ch.scope.id; n = n.parent) {
    if (isFunction(n.parent)) return null;
    if (n.parent.type !== 'statement_list') continue;
    const siblingStmts = named(n.parent).filter((c) => c.type !== 'comment');
    rest.push(...siblingStmts.slice(siblingStmts.findIndex((c) => c.id === n.id) + 1));
    if (n.parent.id === ch.scope.id) break;
  }
  // `defer close(jobs)` (or a deferred receive) already registered on the way to the go statement runs on every return.
  const deferred = descendantsOfType(body, 'defer_statement').some(
    (d) => d.startIndex < go.startIndex && !isInNestedLiteral(d, body) && !!d.parent && contains(d.parent, go) && walker.credits(d),
  );
  if (deferred) return null;
  const outcome = walker.list(rest, 0);
  if (outcome.abandon) return outcome.abandon;
  if (outcome.out !== null && outcome.out < need) {
    const atFunctionEnd = ch.scope.parent?.id === body.id;
    const end = (atFunctionEnd ? body : ch.scope.parent ?? ch.scope).lastChild ?? body;
    const what = atFunctionEnd ? 'it ends' : 'the block that declares the channel ends';
    return { node: end, how: role === 'sender' ? `${what} without a receive` : what };
  }
  return null;
}

class PathWalker {
  constructor(
    private readonly ch: LocalChannel,
    private readonly role: Role,
    private readonly need: number,
    /** Channels whose receive means the sending goroutine sent its last value (siblingsOf). */
    private readonly siblings: Set<string> = new Set(),
    /** What a return at this node owes: `need`, or less before some of the goroutines have started. */
    private readonly needAt: (at: SyntaxNode) => number = () => need,
    /** Channels whose send by the owner means the sending goroutine has returned (stopsEndingGoroutine). */
    private readonly findStoppers: () => Set<string> = () => new Set(),
  ) {}

  private stoppers: Set<string> | undefined;

  list(stmts: SyntaxNode[], credit: Credit, how = 'the return'): Outcome {
    let c = credit;
    for (const s of stmts) {
      const r = this.stmt(s, c, how);
      if (r.abandon || r.out === null) return r;
      c = r.out;
    }
    return { abandon: null, out: c };
  }

  private stmt(s: SyntaxNode, credit: Credit, how: string): Outcome {
    if (credit >= this.need) return { abandon: null, out: credit };
    switch (s.type) {
      case 'return_statement': {
        const c = credit + this.creditOf(s);
        return c >= this.needAt(s) ? { abandon: null, out: null } : { abandon: { node: s, how }, out: null };
      }
      case 'break_statement':
      case 'continue_statement':
      case 'goto_statement':
      case 'fallthrough_statement':
        return { abandon: null, out: null }; // leaves this list; the path is not followed further (conservative)
      case 'expression_statement':
        return isTerminatingCall(s) ? { abandon: null, out: null } : { abandon: null, out: credit + this.creditOf(s) };
      case 'defer_statement':
        // A deferred receive or close runs on every return after it.
        return { abandon: null, out: this.creditOf(s) > 0 ? Infinity : credit };
      case 'block':
        return this.list(statements(s), credit, how);
      case 'labeled_statement': {
        // `loop: // why` puts a comment between the label and its statement.
        const inner = named(s).find((c) => c.type !== 'label_name' && c.type !== 'comment');
        return inner ? this.stmt(inner, credit, how) : { abandon: null, out: credit };
      }
      case 'if_statement':
        return this.ifStmt(s, credit, how);
      case 'expression_switch_statement':
      case 'type_switch_statement':
        return this.switchStmt(s, credit, how);
      case 'select_statement':
        return this.selectStmt(s, credit);
      case 'for_statement':
        return this.forStmt(s, credit, how);
      default:
        return { abandon: null, out: credit + this.creditOf(s) };
    }
  }

  private ifStmt(s: SyntaxNode, credit: Credit, how: string): Outcome {
    const head = [field(s, 'initializer'), field(s, 'condition')].reduce((n, part) => n + (part ? this.creditOf(part) : 0), 0);
    const c = credit + head;
    // `if running == 0 { return }` after `running--` and a receive: every goroutine counted has reported.
    // `if steps == 2 { return }` where `steps++` follows each receive: that many were received.
    const counted = this.role === 'sender' ? (endsCountdown(s, this.ch.name) ? Infinity : receivesCounted(s, this.ch.name, this.ch.owner)) : 0;
    const a = this.list(statements(field(s, 'consequence')), Math.max(c, counted), how);
    if (a.abandon) return a;
    const altNode = field(s, 'alternative');
    const b = altNode ? this.stmt(altNode, c, how) : { abandon: null, out: c };
    if (b.abandon) return b;
    return { abandon: null, out: least(a.out, b.out) };
  }

  private switchStmt(s: SyntaxNode, credit: Credit, how: string): Outcome {
    const c = credit + named(s).filter((n) => !n.type.endsWith('_case')).reduce((n, part) => n + this.creditOf(part), 0);
    const cases = named(s).filter((n) => n.type.endsWith('_case'));
    let out: Credit | null = cases.some((n) => n.type === 'default_case') ? null : c;
    for (const kase of cases) {
      const r = this.list(statements(kase), c, how);
      if (r.abandon) return r;
      out = least(out, r.out);
      // `break` inside a case leaves the switch: the path goes on after it.
      if (descendantsOfType(kase, 'break_statement').some((b) => !labelTarget(b))) out = least(out, c);
    }
    return { abandon: null, out };
  }

  private selectStmt(s: SyntaxNode, credit: Credit): Outcome {
    let out: Credit | null = null;
    for (const kase of selectCases(s)) {
      // A case nothing can ever make ready is never chosen: the paths go through the others.
      if (caseCanNeverRun(kase, this.ch.owner)) continue;
      const comm = field(kase, 'communication');
      const c = credit + (comm ? this.creditOf(comm) : 0);
      const label = comm ? `the \`case ${comm.text.replace(/\s+/g, ' ')}\` of the select` : 'the `default` case of the select';
      const r = this.list(statements(kase), c, `${label} returns`);
      if (r.abandon) {
        const waited = receivedChannel(kase);
        const cancels = !!waited && (isDoneCall(waited) || isTimerChannel(waited) || isTimerName(channelName(waited) ?? ''));
        return { ...r, abandon: { ...r.abandon, cancels } };
      }
      out = least(out, r.out);
      if (descendantsOfType(kase, 'break_statement').some((b) => !labelTarget(b))) out = least(out, c);
    }
    return { abandon: null, out };
  }

  private forStmt(s: SyntaxNode, credit: Credit, how: string): Outcome {
    const body = field(s, 'body');
    const range = named(s).find((n) => n.type === 'range_clause');
    const overChannel = range && field(range, 'right')?.text === this.ch.name;
    const head = named(s).filter((n) => n.type !== 'block').reduce((n, part) => n + (overChannel ? 0 : this.creditOf(part)), 0);
    // One run of the body: a return inside it before the loop received enough abandons the goroutine.
    const start = credit + head + (overChannel && this.role === 'sender' ? 1 : 0);
    const inside = body ? this.list(statements(body), start, how) : { abandon: null, out: start };
    if (inside.abandon) return inside;
    // After the loop: a loop that receives (or a range over the channel) is taken to receive all of it.
    const loops = body ? this.creditOf(body) > 0 || overChannel : false;
    const infinite = named(s).length === 1 && !descendantsOfType(body ?? s, 'break_statement').some((b) => !isInNestedLiteral(b, s));
    if (infinite) return { abandon: null, out: null };
    const after = loops && (this.role === 'sender' || this.need !== Infinity || this.closesIn(body!)) ? Infinity : loops ? credit + 1 : credit + head;
    return { abandon: null, out: overChannel && this.role === 'sender' ? Infinity : after };
  }

  /** What `node` gives the goroutine: receives (sender), sends and closes (receiver) of the owner itself. */
  private creditOf(node: SyntaxNode): Credit {
    let n = 0;
    for (const id of descendantsOfType(node, 'identifier')) {
      if (isInNestedLiteral(id, node)) continue;
      const p = id.parent;
      if (this.role === 'sender' && this.siblings.has(id.text) && p?.type === 'unary_expression' && p.child(0)?.text === '<-' && !isInNestedLiteral(id, node)) return Infinity;
      if (this.role === 'sender' && id.text !== this.ch.name && p?.type === 'send_statement' && field(p, 'channel')?.id === id.id && (this.stoppers ??= this.findStoppers()).has(id.text)) return Infinity;
      if (id.text !== this.ch.name) continue;
      if (this.role === 'sender') {
        if (p?.type === 'unary_expression' && p.child(0)?.text === '<-') n++;
        if (p?.type === 'range_clause') return Infinity;
      } else {
        if (p?.type === 'send_statement' && field(p, 'channel')?.id === id.id) n++;
        if (p?.type === 'argument_list' && field(p.parent, 'function')?.text === 'close') return Infinity;
      }
    }
    return n;
  }

  /** Whether a statement gives the goroutine anything (a receive, a send, a close). */
  credits(node: SyntaxNode): boolean {
    return this.creditOf(node) > 0;
  }

  private closesIn(node: SyntaxNode): boolean {
    return this.creditOf(node) === Infinity;
  }
}

function least(a: Credit | null, b: Credit | null): Credit | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
