import type { SyntaxNode } from './parser';

/** Go syntax helpers shared by every rule, so no rule re-walks the tree its own way. */

export const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);
export const LOOP_TYPES = new Set(['for_statement']);
/** Statements an unlabelled `break` leaves. */
export const BREAKABLE_TYPES = new Set([
  'for_statement',
  'expression_switch_statement',
  'type_switch_statement',
  'select_statement',
]);

export function isFunction(node: SyntaxNode): boolean {
  return FUNCTION_TYPES.has(node.type);
}

export function named(node: SyntaxNode | null | undefined): SyntaxNode[] {
  if (!node) return [];
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}

export function field(node: SyntaxNode | null | undefined, name: string): SyntaxNode | null {
  return node ? node.childForFieldName(name) : null;
}

export function fields(node: SyntaxNode, name: string): SyntaxNode[] {
  return node.childrenForFieldName(name).filter((c): c is SyntaxNode => c !== null);
}

/** Depth-first walk. `visit` returns false to skip a node's children. */
export function walk(node: SyntaxNode, visit: (n: SyntaxNode) => boolean | void): void {
  const cursor = node.walk();
  let depth = 0;
  for (;;) {
    const descend = visit(cursor.currentNode) !== false;
    if (descend && cursor.gotoFirstChild()) {
      depth++;
      continue;
    }
    for (;;) {
      if (depth === 0) {
        cursor.delete();
        return;
      }
      if (cursor.gotoNextSibling()) break;
      cursor.gotoParent();
      depth--;
    }
  }
}

/** All descendants (and the node itself) of the given types. */
export function descendantsOfType(node: SyntaxNode, types: string | string[]): SyntaxNode[] {
  return node.descendantsOfType(types).filter((c): c is SyntaxNode => c !== null);
}

/** The nearest enclosing function declaration, method or function literal. */
export function enclosingFunction(node: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) if (isFunction(n)) return n;
  return null;
}

/** Statements of a block (or of a case clause), in order. */
export function statements(block: SyntaxNode | null | undefined): SyntaxNode[] {
  if (!block) return [];
  const list = block.type === 'statement_list' ? block : named(block).find((c) => c.type === 'statement_list');
  return list ? named(list).filter((c) => c.type !== 'comment') : [];
}

/** The label of a labelled statement (`outer: for …`), if any. */
export function labelOf(stmt: SyntaxNode): string | null {
  const parent = stmt.parent;
  if (parent?.type === 'labeled_statement') return field(parent, 'label')?.text ?? null;
  return null;
}

export function labelTarget(branch: SyntaxNode): string | null {
  return named(branch).find((c) => c.type === 'label_name')?.text ?? null;
}

/** Leading whitespace of the line a node starts on. */
export function indentOf(source: string, node: SyntaxNode): string {
  const lineStart = source.lastIndexOf('\n', node.startIndex - 1) + 1;
  const match = /^[ \t]*/.exec(source.slice(lineStart, node.startIndex));
  return match ? match[0] : '';
}

/** The unit of indentation the file uses (gofmt: a tab). */
export function indentUnit(indent: string): string {
  return indent.startsWith(' ') ? '    ' : '\t';
}

/** Whether `inner` lies within `outer` (or is it). */
export function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** Identifiers a `:=`, `=` or `var` introduces or assigns, in order ("_" included). */
export function assignedNames(stmt: SyntaxNode): string[] {
  if (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement') {
    return named(field(stmt, 'left')).map((n) => n.text);
  }
  if (stmt.type === 'var_spec') return fields(stmt, 'name').map((n) => n.text);
  return [];
}

/** The callee of a call as text segments: `http.Get` → ['http', 'Get'], `c.cli.Do` → ['c','cli','Do']. */
export function calleePath(call: SyntaxNode): string[] | null {
  const fn = field(call, 'function');
  return fn ? expressionPath(fn) : null;
}

/** `a.b.c` → ['a','b','c']; null for anything that is not a chain of identifiers and selectors. */
export function expressionPath(expr: SyntaxNode): string[] | null {
  if (expr.type === 'identifier' || expr.type === 'field_identifier' || expr.type === 'package_identifier') {
    return [expr.text];
  }
  if (expr.type === 'parenthesized_expression') {
    const inner = named(expr)[0];
    return inner ? expressionPath(inner) : null;
  }
  if (expr.type === 'selector_expression') {
    const operand = field(expr, 'operand');
    const name = field(expr, 'field');
    if (!operand || !name) return null;
    const head = expressionPath(operand);
    return head ? [...head, name.text] : null;
  }
  return null;
}

/** Strips parentheses around an expression. */
export function unparen(expr: SyntaxNode): SyntaxNode {
  let e = expr;
  while (e.type === 'parenthesized_expression') {
    const inner = named(e)[0];
    if (!inner) break;
    e = inner;
  }
  return e;
}

/**
 * Calls that end the goroutine or the process: no path continues after them. Methods named like
 * testing.T's and log's fatal calls count on any receiver (`s.T().Fatal`, `logger.Fatalf`, `tt.FailNow`,
 * logrus's `logrus.WithError(err).Fatal`), as do testify's `require.Fail`/`require.FailNow` and
 * shoenig/test's `must.Unreachable`, which stop the test, and a zerolog-style fatal or panic event sent
 * (`log.Fatal().Err(err).Msg(…)`: Msg, Msgf or Send on it exits or panics).
 */
export function isTerminatingCall(stmt: SyntaxNode): boolean {
  if (stmt.type !== 'expression_statement') return false;
  const call = named(stmt)[0];
  if (!call || call.type !== 'call_expression') return false;
  const path = calleePath(call);
  if (path) {
    const name = path.join('.');
    if (name === 'panic' || name === 'os.Exit' || name === 'runtime.Goexit') return true;
    if (/^(require\.(Fail|FailNow)|must\.Unreachable)$/.test(name)) return true;
  }
  const method = methodName(call);
  if (method && FATAL_METHOD.test(method)) return true;
  return method !== null && /^(Msg|Msgf|Send)$/.test(method) && sendsFatalEvent(call);
}

const FATAL_METHOD = /^(Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln|FailNow|Skip|Skipf|SkipNow)$/;

/** The method a call names (`x.y().Fatal(…)` → Fatal); null for a call of a plain function or a literal. */
function methodName(call: SyntaxNode): string | null {
  const fn = field(call, 'function');
  return fn?.type === 'selector_expression' ? (field(fn, 'field')?.text ?? null) : null;
}

/** Whether a chain of method calls starts from a fatal or panic event: `….Fatal().Str(…).Msg`, no arguments to Fatal(). */
function sendsFatalEvent(call: SyntaxNode): boolean {
  for (let c: SyntaxNode | null = call; c?.type === 'call_expression'; ) {
    const fn = field(c, 'function');
    if (fn?.type !== 'selector_expression') return false;
    const operand = field(fn, 'operand');
    if (operand?.type !== 'call_expression') return false;
    const m = methodName(operand);
    if ((m === 'Fatal' || m === 'Panic') && named(field(operand, 'arguments')).length === 0) return true;
    c = operand;
  }
  return false;
}

/**
 * Test assertions that stop the test when they fail: testify's `require.*` and shoenig/test's
 * `must.*` call FailNow. A path through one may end there.
 */
export function mayTerminate(stmt: SyntaxNode): boolean {
  if (isTerminatingCall(stmt)) return true;
  if (stmt.type !== 'expression_statement') return false;
  const call = named(stmt)[0];
  const path = call?.type === 'call_expression' ? calleePath(call) : null;
  return !!path && path.length === 2 && (path[0] === 'require' || path[0] === 'must');
}

/**
 * Nodes of `type` found by scanning the source text for `pattern` (a keyword or a call shape) and
 * asking the tree what sits there. Much cheaper than walking every node of a large file, and a match
 * inside a comment or a string simply finds no such node.
 */
export function findByText(root: SyntaxNode, source: string, pattern: RegExp, type: string, maxClimb = 3): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const seen = new Set<number>();
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  // Only the text under `root`: the language server runs rules on one declaration at a time.
  const start = root.parent === null ? 0 : root.startIndex;
  const text = start === 0 && root.parent === null ? source : source.slice(start, root.endIndex);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = start + m.index;
    let node: SyntaxNode | null = root.descendantForIndex(at, at + 1);
    for (let i = 0; node && i <= maxClimb; i++, node = node.parent) {
      if (node.type === type) {
        if (!seen.has(node.id)) {
          seen.add(node.id);
          found.push(node);
        }
        break;
      }
    }
  }
  return found;
}
