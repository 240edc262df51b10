import type { SyntaxNode } from './parser';
import { selectCases } from './channels';
import { calleePath, descendantsOfType, field, isFunction, named, unparen } from './syntax';

/**
 * How a function uses a channel it made itself (`ch := make(chan T)`): who sends, who receives, who
 * closes, and whether it leaves the function's hands. The goroutine rules ask this; answered from the
 * syntax of the one function.
 */

/** A channel a function makes and keeps in a local variable. */
export interface LocalChannel {
  name: string;
  /** The `make(chan T[, n])` call. */
  make: SyntaxNode;
  /** Buffer slots; null when the capacity is not a literal (`len(tasks)`: assumed enough). */
  capacity: number | null;
  /** The function (declaration, method or literal) whose body declares it. */
  owner: SyntaxNode;
  /** The statement list that declares it: the channel is out of reach once it ends. */
  scope: SyntaxNode;
}

export type UseKind = 'send' | 'receive' | 'range' | 'close' | 'len' | 'escape';

/** One use of the channel: what it does and where it runs. */
export interface ChannelUse {
  kind: UseKind;
  node: SyntaxNode;
  /** The `go` statement whose function literal holds the use; null when the owner itself runs it. */
  goroutine: SyntaxNode | null;
  /** The use sits in some other function literal (a callback, a deferred or stored literal). */
  inOtherLiteral: boolean;
  /** A send or receive in a select that has another case or a default: it can give up waiting. */
  guarded: boolean;
}

/** `make(chan T)` / `make(chan T, n)` bound to one local name by `:=`, `=` or `var`; null otherwise. */
export function localChannelOf(make: SyntaxNode): LocalChannel | null {
  if (field(make, 'function')?.text !== 'make') return null;
  const args = named(field(make, 'arguments'));
  if (args[0]?.type !== 'channel_type') return null;
  let capacity: number | null = 0;
  if (args[1]) capacity = args[1].type === 'int_literal' ? Number(args[1].text.replace(/_/g, '')) : null;
  const list = make.parent;
  if (list?.type !== 'expression_list' || named(list).length !== 1) return null;
  const holder = list.parent;
  let nameNode: SyntaxNode | undefined;
  // `ch := make(…)` and `var ch = make(…)` only: `ch = make(…)` gives a new channel to a variable declared
  // elsewhere (a loop's `done = make(…)` read by a select outside), whose reach this file cannot bound.
  if (holder?.type === 'short_var_declaration' && field(holder, 'right')?.id === list.id) {
    const left = named(field(holder, 'left'));
    if (left.length === 1) nameNode = left[0];
  } else if (holder?.type === 'var_spec') {
    const names = holder.childrenForFieldName('name');
    if (names.length === 1) nameNode = names[0] ?? undefined;
  }
  if (nameNode?.type !== 'identifier' || nameNode.text === '_') return null;
  let owner: SyntaxNode | null = null;
  for (let n = make.parent; n; n = n.parent) if (isFunction(n)) { owner = n; break; }
  if (!owner || !field(owner, 'body')) return null;
  let stmt: SyntaxNode = holder!;
  while (stmt.parent && stmt.parent.type !== 'statement_list' && stmt.parent.id !== owner.id) stmt = stmt.parent;
  if (stmt.parent?.type !== 'statement_list') return null;
  return { name: nameNode.text, make, capacity: Number.isFinite(capacity) ? capacity : null, owner, scope: stmt.parent };
}

/**
 * Every use of `ch` in its owner after its declaration. A function literal started with `go` that takes
 * the channel as an argument (`go func(out chan<- T) {…}(ch)`) has its parameter's uses counted as the
 * channel's; any other literal's parameter of the same name shadows it.
 */
export function channelUses(ch: LocalChannel): ChannelUse[] {
  const uses: ChannelUse[] = [];
  const body = field(ch.owner, 'body');
  if (!body) return uses;
  const declared = ch.make.endIndex;
  const visit = (scope: SyntaxNode, name: string, goroutine: SyntaxNode | null, inOther: boolean): void => {
    for (const id of descendantsOfType(scope, 'identifier')) {
      if (id.text !== name || id.startIndex < declared) continue;
      const literal = innermostLiteral(id, scope);
      if (literal && shadows(literal, name)) continue;
      const go = literal ? goStatementOf(literal) : null;
      let g = goroutine;
      let other = inOther;
      if (literal) {
        if (go && !goroutine && !inOther && innermostLiteral(literal, scope) === null) g = go;
        else other = true;
      }
      const kind = useKind(id);
      if (kind === 'escape' && isArgumentOfGo(id)) continue; // followed through the literal's parameter below
      uses.push({ kind, node: id, goroutine: g, inOtherLiteral: other, guarded: isGuarded(id) });
    }
  };
  visit(body, ch.name, null, false);
  // Arguments to started literals: the parameter's uses are the channel's.
  for (const go of descendantsOfType(body, 'go_statement')) {
    const call = named(go)[0];
    const fn = call?.type === 'call_expression' ? field(call, 'function') : null;
    if (!call || fn?.type !== 'func_literal' || go.startIndex < declared) continue;
    const args = named(field(call, 'arguments'));
    args.forEach((arg, i) => {
      if (unparen(arg).text !== ch.name) return;
      const param = parameterNames(fn)[i];
      if (!param) {
        uses.push({ kind: 'escape', node: arg, goroutine: null, inOtherLiteral: false, guarded: false });
        return;
      }
      const nested = innermostLiteral(go, body) !== null;
      const inner = field(fn, 'body');
      if (!inner) return;
      for (const id of descendantsOfType(inner, 'identifier')) {
        if (id.text !== param) continue;
        const literal = innermostLiteral(id, inner);
        if (literal && shadows(literal, param)) continue;
        uses.push({ kind: useKind(id), node: id, goroutine: nested ? null : go, inOtherLiteral: nested || literal !== null, guarded: isGuarded(id) });
      }
    });
  }
  return uses;
}

/** What an identifier naming the channel does where it stands. */
function useKind(id: SyntaxNode): UseKind {
  let use = id;
  while (use.parent?.type === 'parenthesized_expression') use = use.parent;
  const p = use.parent;
  if (!p) return 'escape';
  if (p.type === 'send_statement' && field(p, 'channel')?.id === use.id) return 'send';
  if (p.type === 'unary_expression' && p.child(0)?.text === '<-') return 'receive';
  if (p.type === 'range_clause' && field(p, 'right')?.id === use.id) return 'range';
  if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
    const callee = calleePath(p.parent)?.join('.');
    if (callee === 'close') return 'close';
    if (callee === 'len' || callee === 'cap') return 'len';
  }
  // `if ch == nil`: a comparison reads it without handing it on.
  if (p.type === 'binary_expression') return 'len';
  return 'escape';
}

/** The channel handed to the literal a `go` statement starts: `go func(c chan int) {…}(ch)`. */
function isArgumentOfGo(id: SyntaxNode): boolean {
  let use = id;
  while (use.parent?.type === 'parenthesized_expression') use = use.parent;
  const call = use.parent?.type === 'argument_list' ? use.parent.parent : null;
  return call?.type === 'call_expression' && call.parent?.type === 'go_statement' && field(call, 'function')?.type === 'func_literal';
}

/** A send or receive that is one case of a select with another case or a default: it has a way out. */
function isGuarded(id: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = id.parent; n && !isFunction(n); n = n.parent) {
    if (n.type === 'communication_case') {
      const comm = field(n, 'communication');
      if (!comm || id.startIndex < comm.startIndex || id.endIndex > comm.endIndex) return false;
      const select = n.parent;
      return !!select && selectCases(select).length > 1;
    }
    if (n.type.endsWith('_statement') && n.type !== 'send_statement' && n.type !== 'receive_statement' && n.type !== 'expression_statement') return false;
  }
  return false;
}

/** The innermost function literal between `node` and `top` (exclusive), if any. */
export function innermostLiteral(node: SyntaxNode, top: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n && n.id !== top.id; n = n.parent) if (n.type === 'func_literal') return n;
  return null;
}

/** The `go` statement that starts `literal` directly (`go func() {…}()`), if any. */
export function goStatementOf(literal: SyntaxNode): SyntaxNode | null {
  const call = literal.parent;
  if (call?.type !== 'call_expression' || field(call, 'function')?.id !== literal.id) return null;
  return call.parent?.type === 'go_statement' ? call.parent : null;
}

function parameterNames(literal: SyntaxNode): string[] {
  return named(field(literal, 'parameters')).flatMap((p) => p.childrenForFieldName('name').map((n) => n?.text ?? '_'));
}

/** Whether a literal (or one between it and the use) declares a parameter named `name`. */
function shadows(literal: SyntaxNode, name: string): boolean {
  return parameterNames(literal).includes(name);
}
