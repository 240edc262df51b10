import type { SyntaxNode } from '../../go/parser';
import { calleePath, contains, descendantsOfType, field, isFunction, named, statements, unparen } from '../../go/syntax';
import { flat, releasedOnEveryRound } from './deferInLoopRound';

/**
 * Whether the code means what it deferred to live until the function returns, so nothing piles up by
 * mistake (docs/rules/defer-in-loop.md, "Not reported"): the loop releases it itself, the loop walks
 * what the function already holds, something outlives the iteration with it (a collection, a goroutine,
 * a callback registered on it), or the iteration never uses it (held open on purpose).
 */
export function keptOnPurpose(stmt: SyntaxNode, loop: SyntaxNode): boolean {
  const call = unparen(named(stmt)[0] ?? stmt);
  const body = field(loop, 'body');
  if (call.type !== 'call_expression' || !body) return false;
  const fn = field(call, 'function');
  // `defer delete(m, k)`: a map entry, nothing that is acquired and held.
  if (fn?.type === 'identifier' && fn.text === 'delete') return true;
  // `defer check(t, head.Close())`: the arguments are evaluated at the defer, so the Close runs now.
  if (fn?.type !== 'func_literal' && releasesInArguments(call)) return true;
  if (releasedBeforeReacquiring(body, stmt, call, fn) || releasedEachIteration(body, stmt, call)) return true;
  if (releasedOnEveryRound(stmt, loop, flat(call.text))) return true;
  const declared = declaredIn(loop);
  const subject = fn?.type === 'selector_expression' ? field(fn, 'operand') : null;
  // `defer conns[i].Close()`, `defer clients[i].nc.Close()`: an element of a collection the function keeps.
  if (subject && descendantsOfType(subject, 'index_expression').some((ix) => !declared.has(rootIdentifier(ix) ?? ''))) return true;
  const resources = resourceNames(call, fn, subject, body, declared);
  // `for _, name := range files { lock(name); defer unlock(name) }`, `defer tc.conn.Close()`: what the loop walks.
  const ranged = rangeValue(loop);
  if (ranged && (resources.has(ranged) || [...resources].some((r) => partOf(body, r, ranged)))) return true;
  if (resources.size === 0) return false;
  if (outlivesIteration(body, resources, declared, outerAliases(body, declared, ranged))) return true;
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
 * map (as an element or a key, or in a field of one, also through `s := &xs[i]` or the range value),
 * appended to an outer slice or to a field of an outer value, stored in two or more places of outer
 * values (`pair.lower = r` in one iteration, `pair.upper = r` in the next), sent on a channel, handed
 * to a goroutine (`go serve(c)`, `group.Go(func() error { … c … })`), or given a callback
 * (`nc.Subscribe(subj, func(m *Msg) { … })`: the resource keeps working for it).
 */
function outlivesIteration(body: SyntaxNode, resources: Set<string>, declared: Set<string>, aliases: Set<string>): boolean {
  const derived = new Set(resources);
  const mentions = (n: SyntaxNode | null) => !!n && descendantsOfType(n, 'identifier').some((id) => derived.has(id.text));
  const outerFields = new Set<string>();
  // What the iteration made from the resource in one step (`p := start(ctx)`), not a number read
  // from what it made (`size := info.Size()` after `info, err := f.Stat()`).
  const direct = new Set(resources);
  for (const assign of descendantsOfType(body, ['short_var_declaration', 'assignment_statement'])) {
    const left = named(field(assign, 'left'));
    const right = field(assign, 'right');
    for (const target of left) {
      if (target.type === 'index_expression' || target.type === 'selector_expression') {
        const root = rootIdentifier(target);
        if (!root || (declared.has(root) && !aliases.has(root))) continue;
        const stored = mentions(right) || (target.type === 'index_expression' && mentions(target));
        if (!stored) continue;
        // `s.id = sid` after `s := &sandboxes[i]`: the resource itself recorded in the outer element.
        if (aliases.has(root) && isStoredWhole(right, derived)) return true;
        // `conns[i] = c`, `made[name] = i`, `clients[i].nc = c`.
        if (descendantsOfType(target, 'index_expression').concat(target.type === 'index_expression' ? [target] : []).some((ix) => !declared.has(rootIdentifier(ix) ?? ''))) return true;
        // A field of an outer value: only the resource itself (or a new reference to it) counts, not
        // what was read from it (`res.Traces = append(res.Traces, r.Traces...)`, `res.Bytes += n`).
        if (assign.type !== 'assignment_statement' || field(assign, 'operator')?.text !== '=') continue;
        if (isAppendTo(right, target.text)) {
          const call = unparen(named(right)[0]!);
          if (named(field(call, 'arguments')).slice(1).some((a) => isStoredWhole(a, derived))) return true;
        } else if (isStoredWhole(right, derived)) outerFields.add(flat(target.text));
      } else if (target.type === 'identifier' && mentions(right)) {
        if (target.text === '_' || target.text === 'err') continue;
        if (declared.has(target.text)) {
          if (descendantsOfType(right!, 'identifier').some((id) => resources.has(id.text))) direct.add(target.text);
          derived.add(target.text);
        }
        else if (isAppendTo(right, target.text)) return true;
      }
    }
  }
  if (outerFields.size >= 2) return true;
  if (descendantsOfType(body, 'send_statement').some((send) => mentions(field(send, 'value')))) return true;
  if (descendantsOfType(body, 'go_statement').some((g) => mentions(g))) return true;
  return callsOfLoop(body).some((c) => {
    const f = field(c, 'function');
    const operand = f?.type === 'selector_expression' ? field(f, 'operand') : null;
    const literals = named(field(c, 'arguments')).filter((a) => a.type === 'func_literal');
    if (literals.length === 0) return false;
    // errgroup's and WaitGroup's Go run the literal on a goroutine of their own.
    if (f?.type === 'selector_expression' && field(f, 'field')?.text === 'Go') {
      return literals.some((l) => descendantsOfType(l, 'identifier').some((id) => direct.has(id.text)));
    }
    return !!operand && mentions(operand);
  });
}

/**
 * `x.f = c` (or `= &c`, `= c, d`, `= c.clone()`): the value stored is one of `names` itself or a new
 * reference to it, not something computed from it.
 */
function isStoredWhole(right: SyntaxNode | null, names: Set<string>): boolean {
  const values = right?.type === 'expression_list' ? named(right) : right ? [right] : [];
  return values.some((v) => {
    let value = unparen(v);
    if (value.type === 'call_expression') {
      const f = field(value, 'function');
      if (f?.type !== 'selector_expression' || !NEW_REFERENCE.test(field(f, 'field')?.text ?? '')) return false;
      value = field(f, 'operand') ?? value;
    }
    const operand = value.type === 'unary_expression' ? named(value)[0] : value;
    return operand?.type === 'identifier' && names.has(operand.text);
  });
}

/**
 * Names the loop declares that stand for an element of something the function keeps: `s := &xs[i]`
 * (or `&xs[i].part`) of a collection declared outside the loop, and the range value (`for _, s :=
 * range servers`): what is stored through them outlives the iteration.
 */
function outerAliases(body: SyntaxNode, declared: Set<string>, ranged: string | null): Set<string> {
  const aliases = new Set<string>(ranged ? [ranged] : []);
  for (const decl of descendantsOfType(body, 'short_var_declaration')) {
    const left = named(field(decl, 'left'));
    const right = named(field(decl, 'right'));
    if (left.length !== right.length) continue;
    left.forEach((l, i) => {
      const value = right[i] ? unparen(right[i]!) : null;
      if (value?.type !== 'unary_expression' || !value.text.startsWith('&')) return;
      const operand = named(value)[0];
      const ix = operand && (operand.type === 'index_expression' ? operand : descendantsOfType(operand, 'index_expression')[0]);
      if (ix && !declared.has(rootIdentifier(ix) ?? '')) aliases.add(l.text);
    });
  }
  return aliases;
}

/** `defer check(t, c.Close())`: a release among the arguments runs when the defer statement does. */
function releasesInArguments(call: SyntaxNode): boolean {
  return named(field(call, 'arguments')).some((arg) =>
    [arg, ...descendantsOfType(arg, 'call_expression')].some((c) => {
      if (c.type !== 'call_expression' || insideFunctionLiteral(c, arg)) return false;
      const path = calleePath(c);
      return !!path && path.length >= 2 && RELEASE.test(path[path.length - 1] ?? '');
    }),
  );
}

/** Methods that hand out another reference to what they are called on. */
const NEW_REFERENCE = /^(clone|Clone|share|Share|ref|Ref|Retain|Dup|NewRef)$/;

const RELEASE = /^(Close|Stop|Shutdown|Release|Unlock|RUnlock|Cancel|Drain|Unmount|Destroy|Cleanup)$/;

function insideFunctionLiteral(node: SyntaxNode, top: SyntaxNode): boolean {
  if (node.id === top.id) return false;
  for (let n = node.parent; n; n = n.parent) {
    if (isFunction(n)) return true;
    if (n.id === top.id) return false;
  }
  return false;
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


