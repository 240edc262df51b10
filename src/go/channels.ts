import type { SyntaxNode } from './parser';
import { expressionPath, field, named, unparen } from './syntax';

/**
 * Channel questions the goroutine rules share: what a select case waits on, whether a channel is a
 * stop signal, a context's Done(), a timer. Answered from the syntax and names the source shows.
 */

/** The channel expression a `case` receives from (`<-x`, `v := <-x`, `v, ok = <-x`), or null for sends and default. */
export function receivedChannel(commCase: SyntaxNode): SyntaxNode | null {
  const comm = field(commCase, 'communication');
  if (!comm) return null;
  const right = comm.type === 'receive_statement' ? field(comm, 'right') : comm.type === 'expression_statement' ? named(comm)[0] ?? null : null;
  return right ? receiveOperand(right) : null;
}

/** `<-x` → x; anything else → null. */
export function receiveOperand(expr: SyntaxNode): SyntaxNode | null {
  const e = unparen(expr);
  if (e.type !== 'unary_expression' || e.child(0)?.text !== '<-') return null;
  const operand = field(e, 'operand');
  return operand ? unparen(operand) : null;
}

/** The channel a `case ch <- v:` sends on, or null. */
export function sentChannel(commCase: SyntaxNode): SyntaxNode | null {
  const comm = field(commCase, 'communication');
  if (comm?.type !== 'send_statement') return null;
  const channel = field(comm, 'channel');
  return channel ? unparen(channel) : null;
}

/** `case v, ok := <-ch` → 'ok' (the name of the second variable), else null. */
export function receivedOkName(commCase: SyntaxNode): string | null {
  const comm = field(commCase, 'communication');
  if (comm?.type !== 'receive_statement') return null;
  const left = named(field(comm, 'left'));
  const ok = left[1];
  return ok?.type === 'identifier' && ok.text !== '_' ? ok.text : null;
}

/** The cases of a select, default included. */
export function selectCases(select: SyntaxNode): SyntaxNode[] {
  return named(select).filter((c) => c.type === 'communication_case' || c.type === 'default_case');
}

/** `x.Done()` on anything: a context, an errgroup-derived context, a tomb, a lifecycle. */
export function isDoneCall(expr: SyntaxNode): boolean {
  const e = unparen(expr);
  if (e.type !== 'call_expression') return false;
  const fn = field(e, 'function');
  return fn?.type === 'selector_expression' && field(fn, 'field')?.text === 'Done' && named(field(e, 'arguments')).length === 0;
}

/** Words of a stop signal: a channel or method named after them is how its owner says "stop waiting". */
const STOP_WORDS = new Set([
  'done', 'stop', 'stopped', 'stopping', 'stopper', 'quit', 'quitting', 'close', 'closed', 'closing', 'shutdown',
  'exit', 'exited', 'exiting', 'cancel', 'canceled', 'cancelled', 'term', 'terminate', 'terminated', 'terminating',
  'kill', 'killed', 'die', 'dying', 'dead', 'halt', 'abort', 'aborted', 'finish', 'finished', 'teardown', 'leave',
  'interrupt', 'interrupted', 'sig', 'sigs',
]);

/** `stopCh`, `donec`, `s.closing`, `shutdown_ch`, `quitC` → words [stop], [done], [closing]… */
export function nameWords(name: string): string[] {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w !== '');
  // A trailing `c`/`ch`/`chan` marks a channel: `donec`, `stopch`.
  return words.flatMap((w) => {
    const stem = /^(.*?)(?:chan|ch|c)$/.exec(w)?.[1];
    return stem && STOP_WORDS.has(stem) ? [stem] : [w];
  });
}

/** Whether a name reads as a stop signal (`done`, `stopCh`, `s.closing`, `quit`, `ShutdownCh`). */
export function isStopSignalName(name: string): boolean {
  return nameWords(name).some((w) => STOP_WORDS.has(w));
}

/**
 * The name a channel expression is known by: the last identifier of `x`, `s.done`, or of the method
 * in `t.Dying()`, `lc.ShutdownCh()`; null for anything else.
 */
export function channelName(expr: SyntaxNode): string | null {
  const e = unparen(expr);
  if (e.type === 'call_expression') {
    if (named(field(e, 'arguments')).length > 0) return null;
    const fn = field(e, 'function');
    const path = fn ? expressionPath(fn) : null;
    return path?.[path.length - 1] ?? null;
  }
  // `s.done`, `tasks[i].done`: the field's name, whatever the operand.
  if (e.type === 'selector_expression') return field(e, 'field')?.text ?? null;
  return e.type === 'identifier' ? e.text : null;
}

/** A timer's channel by its name: `timeout`, `deadlineCh`, `timeoutC`. */
export function isTimerName(name: string): boolean {
  return nameWords(name).some((w) => w === 'timeout' || w === 'deadline' || w === 'timer' || w === 'expired');
}

/**
 * A timer's channel: `time.After(d)`, `time.Tick(d)`, `clock.After(d)` (fake clocks), `t.C` of a
 * timer or ticker, `timer.Chan()`.
 */
export function isTimerChannel(expr: SyntaxNode): boolean {
  const e = unparen(expr);
  if (e.type === 'call_expression') {
    const fn = field(e, 'function');
    const path = fn ? expressionPath(fn) : null;
    const last = path?.[path.length - 1];
    return last === 'After' || last === 'Tick' || last === 'Chan';
  }
  if (e.type === 'selector_expression') return field(e, 'field')?.text === 'C';
  return false;
}

/** `close(ch)` or `signal.Notify(ch, …)`: after it, a receive from `ch` is how the wait ends. */
export function isStopChannelCall(call: SyntaxNode): boolean {
  const fn = field(call, 'function');
  if (!fn) return false;
  if (fn.type === 'identifier') return fn.text === 'close';
  const path = expressionPath(fn);
  return path?.length === 2 && path[0] === 'signal' && (path[1] === 'Notify' || path[1] === 'NotifyContext');
}

/** `close(name)` or `signal.Notify(name, …)` somewhere in `node`. */
export function stopsChannelIn(node: SyntaxNode, name: string): boolean {
  return node
    .descendantsOfType('call_expression')
    .some((call) => !!call && named(field(call, 'arguments'))[0]?.text === name && isStopChannelCall(call));
}

const LIFECYCLE_METHOD_WORDS = new Set(['ready', 'started', 'err', 'error', 'errors']);

/**
 * A method whose channel signals its owner's lifecycle, besides stop words: `<-srv.Ready()`,
 * `<-sub.Err()` (an event subscription's end), `<-p.Started()`.
 */
export function isLifecycleMethodName(name: string): boolean {
  return isStopSignalName(name) || nameWords(name).some((w) => LIFECYCLE_METHOD_WORDS.has(w));
}
