import type { SyntaxNode } from './parser';
import { BREAKABLE_TYPES, field, isFunction, isTerminatingCall, labelOf, labelTarget, mayTerminate, named, statements, walk } from './syntax';

/**
 * Small control-flow questions the rules ask, answered syntactically (conservatively: when in
 * doubt, a path is assumed to go on).
 */

/** Labels declared on statements inside `node` (a labelled break to one of them stays inside). */
function innerLabels(node: SyntaxNode): Set<string> {
  const labels = new Set<string>();
  for (const l of node.descendantsOfType('labeled_statement')) {
    const name = l ? field(l, 'label')?.text : undefined;
    if (name) labels.add(name);
  }
  return labels;
}

/**
 * Whether every path through `stmts` leaves `loop` before the next iteration: a `return`, a
 * `break` out of the loop, or a call that never returns (panic, os.Exit, log.Fatal…).
 */
export function alwaysLeavesLoop(stmts: SyntaxNode[], loop: SyntaxNode, insideBreakable = false): boolean {
  const inner = innerLabels(loop);
  return listLeaves(stmts, insideBreakable ? 1 : 0, inner);
}

/**
 * Whether some path through `stmts` (a case of a select or switch inside `loop`) leaves the loop: a
 * `return`, a `goto`, a call that never returns (or a test assertion that stops the test), or a
 * labelled `break`/`continue` to the loop or beyond. An unlabelled `break` there only leaves the select or switch, and `continue` stays in.
 */
export function canLeaveLoop(stmts: SyntaxNode[], loop: SyntaxNode): boolean {
  const inner = innerLabels(loop);
  const own = labelOf(loop);
  let found = false;
  for (const stmt of stmts) {
    walk(stmt, (n) => {
      if (found || isFunction(n)) return false;
      switch (n.type) {
        case 'return_statement':
        case 'goto_statement':
          found = true;
          return false;
        case 'expression_statement':
          if (mayTerminate(n)) found = true;
          return false;
        case 'break_statement': {
          const label = labelTarget(n);
          if (label && (label === own || !inner.has(label))) found = true;
          return false;
        }
        case 'continue_statement': {
          const label = labelTarget(n);
          if (label && label !== own && !inner.has(label)) found = true;
          return false;
        }
        default:
          return true;
      }
    });
    if (found) return true;
  }
  return false;
}

function listLeaves(stmts: SyntaxNode[], depth: number, inner: Set<string>): boolean {
  return stmts.some((s) => stmtLeaves(s, depth, inner));
}

function stmtLeaves(s: SyntaxNode, depth: number, inner: Set<string>): boolean {
  switch (s.type) {
    case 'return_statement':
      return true;
    case 'break_statement': {
      const label = labelTarget(s);
      return label ? !inner.has(label) : depth === 0;
    }
    case 'expression_statement':
      return isTerminatingCall(s);
    case 'block':
      return listLeaves(statements(s), depth, inner);
    case 'labeled_statement': {
      const body = named(s).find((c) => c.type !== 'label_name');
      return body ? stmtLeaves(body, depth, inner) : false;
    }
    case 'if_statement': {
      const alt = field(s, 'alternative');
      return !!alt && stmtLeaves(field(s, 'consequence') ?? s, depth, inner) && stmtLeaves(alt, depth, inner);
    }
    case 'expression_switch_statement':
    case 'type_switch_statement': {
      const cases = named(s).filter((c) => c.type === 'expression_case' || c.type === 'type_case' || c.type === 'default_case');
      return cases.some((c) => c.type === 'default_case') && cases.every((c) => listLeaves(statements(c), depth + 1, inner));
    }
    case 'select_statement': {
      const cases = named(s).filter((c) => c.type === 'communication_case' || c.type === 'default_case');
      return cases.length > 0 && cases.every((c) => listLeaves(statements(c), depth + 1, inner));
    }
    default:
      return false;
  }
}

/** Every `break`, `continue`, `return` or `goto` inside `body` that concerns control outside it. */
export function escapingJumps(body: SyntaxNode): SyntaxNode[] {
  const inner = innerLabels(body);
  const found: SyntaxNode[] = [];
  const visit = (node: SyntaxNode, breakDepth: number, loopDepth: number): void => {
    for (const child of named(node)) {
      if (isFunction(child)) continue;
      switch (child.type) {
        case 'return_statement':
        case 'goto_statement':
          found.push(child);
          continue;
        case 'break_statement': {
          const label = labelTarget(child);
          if (label ? !inner.has(label) : breakDepth === 0) found.push(child);
          continue;
        }
        case 'continue_statement': {
          const label = labelTarget(child);
          if (label ? !inner.has(label) : loopDepth === 0) found.push(child);
          continue;
        }
        default: {
          const breakable = BREAKABLE_TYPES.has(child.type);
          visit(child, breakDepth + (breakable ? 1 : 0), loopDepth + (child.type === 'for_statement' ? 1 : 0));
        }
      }
    }
  };
  visit(body, 0, 0);
  return found;
}

/** Whether a `continue` inside `loop`'s body starts its next iteration. */
export function hasContinueTo(loop: SyntaxNode): boolean {
  const body = field(loop, 'body');
  if (!body) return false;
  const label = labelOf(loop);
  let found = false;
  const visit = (node: SyntaxNode, loopDepth: number): void => {
    for (const child of named(node)) {
      if (found || isFunction(child)) continue;
      if (child.type === 'continue_statement') {
        const target = labelTarget(child);
        if (target ? target === label : loopDepth === 0) found = true;
        continue;
      }
      visit(child, loopDepth + (child.type === 'for_statement' ? 1 : 0));
    }
  };
  visit(body, 0);
  return found;
}

/** A loop whose body can run at most once: every path leaves it and nothing continues it. */
export function runsAtMostOnce(loop: SyntaxNode): boolean {
  const body = field(loop, 'body');
  if (!body) return false;
  return alwaysLeavesLoop(statements(body), loop) && !hasContinueTo(loop);
}

/** Calls `visit` on each node under `root` without entering nested function literals. */
export function walkFunctionBody(root: SyntaxNode, visit: (n: SyntaxNode) => boolean | void): void {
  walk(root, (n) => {
    if (n.id !== root.id && isFunction(n)) return false;
    return visit(n);
  });
}

/**
 * The statements that run after `stmt` in the same iteration of `loop` (its nearest loop): its
 * following siblings, then those of each enclosing statement up to the loop's body, innermost first.
 */
export function restOfIteration(stmt: SyntaxNode, loop: SyntaxNode): SyntaxNode[] {
  const rest: SyntaxNode[] = [];
  const body = field(loop, 'body');
  for (let n: SyntaxNode = stmt; n.parent && n.id !== body?.id && !isFunction(n.parent); n = n.parent) {
    if (n.parent.type !== 'statement_list') continue;
    const siblings = named(n.parent).filter((c) => c.type !== 'comment');
    rest.push(...siblings.slice(siblings.findIndex((c) => c.id === n.id) + 1));
  }
  return rest;
}

/** Whether every path through `rest` (a restOfIteration) leaves `loop`: one statement always does, and nothing continues first. */
export function restAlwaysLeaves(rest: SyntaxNode[], loop: SyntaxNode): boolean {
  const inner = innerLabels(loop);
  for (const stmt of rest) {
    if (stmtLeaves(stmt, 0, inner)) return true;
    if (stmt.descendantsOfType('continue_statement').length > 0) return false;
  }
  return false;
}
