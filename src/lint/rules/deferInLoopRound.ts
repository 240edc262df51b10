import type { SyntaxNode } from '../../go/parser';
import { descendantsOfType, field, isFunction, isTerminatingCall, labelOf, labelTarget, named, statements } from '../../go/syntax';

/**
 * defer-in-loop: whether the loop itself makes the deferred release on every path that goes round
 * (docs/rules/defer-in-loop.md, "Not reported"). `s := start(); defer s.Stop(); if !s.ready() { s.Stop();
 * continue }; break`: the paths that start another iteration stop it first, the others leave the loop,
 * so at most one deferred call is left pending, whatever the number of iterations.
 *
 * Answered syntactically and conservatively: a path this cannot follow (a `goto`, a `break` out of a
 * switch after the defer, a labelled jump into the loop) counts as going round unreleased.
 */
export function releasedOnEveryRound(stmt: SyntaxNode, loop: SyntaxNode, release: string): boolean {
  const body = field(loop, 'body');
  let nearest = stmt.parent;
  while (nearest && nearest.type !== 'for_statement') nearest = nearest.parent;
  // Inside an inner loop (that runs at most once), its breaks and continues mean something else; and a
  // loop inside another one is entered again, one more pending release each time.
  if (!body || nearest?.id !== loop.id || insideAnotherLoop(loop)) return false;
  const scope: Scope = { release, own: labelOf(loop), inner: innerLabels(body) };
  for (let n: SyntaxNode = stmt; n.parent && n.id !== body.id; n = n.parent) {
    if (n.parent.type !== 'statement_list') continue;
    const siblings = named(n.parent).filter((c) => c.type !== 'comment');
    const rest = siblings.slice(siblings.findIndex((c) => c.id === n.id) + 1);
    const paths = pathsOf(rest, caseDepth(n.parent, body), scope);
    if (paths.round || paths.out) return false;
    if (!paths.through) return true;
  }
  // A path falls off the end of the loop's body unreleased: it goes round.
  return false;
}

interface Scope {
  /** The deferred call's text without spaces: the same call made as a statement is the release. */
  release: string;
  /** The loop's label, if any. */
  own: string | null;
  /** Labels of statements inside the loop's body. */
  inner: Set<string>;
}

/** Which ways out of a statement list a path may take without the release. */
interface Paths {
  /** Falls off the end of the list. */
  through: boolean;
  /** Starts the loop's next iteration (`continue`). */
  round: boolean;
  /** Leaves the innermost switch or select with an unlabelled `break`. */
  out: boolean;
}

const NONE: Paths = { through: false, round: false, out: false };
const THROUGH: Paths = { through: true, round: false, out: false };
const ROUND: Paths = { through: false, round: true, out: false };

function pathsOf(list: SyntaxNode[], depth: number, scope: Scope): Paths {
  const acc = { ...NONE };
  let through = true;
  for (const s of list) {
    if (!through) break;
    const p = pathsOfStatement(s, depth, scope);
    acc.round ||= p.round;
    acc.out ||= p.out;
    through = p.through;
  }
  acc.through = through;
  return acc;
}

function union(a: Paths, b: Paths): Paths {
  return { through: a.through || b.through, round: a.round || b.round, out: a.out || b.out };
}

function pathsOfStatement(s: SyntaxNode, depth: number, scope: Scope): Paths {
  switch (s.type) {
    case 'expression_statement':
      return flat(s.text) === scope.release || isTerminatingCall(s) ? NONE : THROUGH;
    case 'return_statement':
      return NONE;
    case 'goto_statement':
      return ROUND;
    case 'block':
      return pathsOf(statements(s), depth, scope);
    case 'labeled_statement': {
      const inner = named(s).find((c) => c.type !== 'label_name');
      return inner ? pathsOfStatement(inner, depth, scope) : THROUGH;
    }
    case 'break_statement': {
      const label = labelTarget(s);
      if (label) return label === scope.own || !scope.inner.has(label) ? NONE : ROUND;
      return depth === 0 ? NONE : { ...NONE, out: true };
    }
    case 'continue_statement': {
      const label = labelTarget(s);
      return !label || label === scope.own ? ROUND : scope.inner.has(label) ? ROUND : NONE;
    }
    case 'if_statement': {
      // `if err := c.Close(); err != nil { … }`: released whichever branch runs.
      const init = field(s, 'initializer');
      if (init && descendantsOfType(init, 'call_expression').some((c) => flat(c.text) === scope.release)) return NONE;
      const then = pathsOf(statements(field(s, 'consequence')), depth, scope);
      const alt = field(s, 'alternative');
      return union(then, alt ? pathsOfStatement(alt, depth, scope) : THROUGH);
    }
    case 'expression_switch_statement':
    case 'type_switch_statement':
    case 'select_statement': {
      const cases = named(s).filter((c) => /^(expression_case|type_case|communication_case|default_case)$/.test(c.type));
      let acc: Paths = s.type !== 'select_statement' && !cases.some((c) => c.type === 'default_case') ? THROUGH : NONE;
      for (const c of cases) {
        const p = pathsOf(statements(c), depth + 1, scope);
        acc = union(acc, { through: p.through || p.out, round: p.round, out: false });
      }
      return acc;
    }
    default:
      // A nested loop or anything else: it may finish, and a labelled continue inside it may go round.
      return continuesLoop(s, scope) ? ROUND : THROUGH;
  }
}

function continuesLoop(s: SyntaxNode, scope: Scope): boolean {
  return descendantsOfType(s, 'continue_statement').some((c) => {
    const label = labelTarget(c);
    return !!label && (label === scope.own || !scope.inner.has(label));
  });
}

/** How many switch or select cases lie between a statement list and the loop's body (for unlabelled breaks). */
function caseDepth(list: SyntaxNode, body: SyntaxNode): number {
  let depth = 0;
  for (let n: SyntaxNode | null = list; n && n.id !== body.id; n = n.parent) {
    if (/^(expression_case|type_case|communication_case|default_case)$/.test(n.type)) depth++;
  }
  return depth;
}

function insideAnotherLoop(loop: SyntaxNode): boolean {
  for (let n = loop.parent; n && !isFunction(n); n = n.parent) if (n.type === 'for_statement') return true;
  return false;
}

function innerLabels(node: SyntaxNode): Set<string> {
  const labels = new Set<string>();
  for (const l of descendantsOfType(node, 'labeled_statement')) {
    const name = field(l, 'label')?.text;
    if (name) labels.add(name);
  }
  return labels;
}

export function flat(text: string): string {
  return text.replace(/\s+/g, '');
}
