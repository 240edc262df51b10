/**
 * The tests and benchmarks of a `_test.go` file, read from its syntax tree the way `go test` picks
 * them: top-level functions named `TestX` / `BenchmarkX` (the letter after the prefix not lower-case)
 * with one `*testing.T` / `*testing.B` parameter, whatever name the file imports `testing` under.
 * Inside them, `t.Run("literal", …)` calls on the function's own parameter are subtests (and
 * sub-benchmarks), level after level. Names built at run time (`t.Run(tc.name, …)`) are left out:
 * nothing short of running the test knows them.
 */
import { stringLiteralValue } from '../go/stringLiteral';
import type { SyntaxNode } from '../go/parser';
import { field, named } from '../go/syntax';
import type { GoTestDeclaration, GoTestKind } from './model';
import { rewriteSubtestName } from './model';

const KINDS: ReadonlyArray<{ prefix: string; kind: GoTestKind; type: string }> = [
  { prefix: 'Test', kind: 'test', type: 'T' },
  { prefix: 'Benchmark', kind: 'benchmark', type: 'B' },
];

/** Deeper literal subtests are left out (a bound for generated or hostile files). */
const MAX_SUBTEST_DEPTH = 32;

/** Test files by go's rule: the name ends in `_test.go` (and does not start with `_` or `.`). */
export function isGoTestFile(fileName: string): boolean {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  return base.endsWith('_test.go') && !base.startsWith('_') && !base.startsWith('.');
}

/** Every test, benchmark and literal subtest of a file, in source order. */
export function findGoTests(root: SyntaxNode): GoTestDeclaration[] {
  const testing = testingImportNames(root);
  if (testing.size === 0) return [];
  const found: GoTestDeclaration[] = [];
  for (const decl of named(root)) {
    if (decl.type !== 'function_declaration' || field(decl, 'type_parameters') || field(decl, 'result')) continue;
    const name = field(decl, 'name')?.text ?? '';
    const kind = KINDS.find((k) => isTestName(name, k.prefix));
    if (!kind) continue;
    const param = singleParameter(decl, testing, kind.type);
    if (param === undefined) continue;
    found.push({ kind: kind.kind, path: [name], line: decl.startPosition.row, character: decl.startPosition.column, endLine: decl.endPosition.row });
    const body = field(decl, 'body');
    if (param !== null && body) collectSubtests(body, param, [name], kind, testing, found);
  }
  return found;
}

/** cmd/go's isTest: `Test`, or `Test` followed by anything but a lower-case letter. */
function isTestName(name: string, prefix: string): boolean {
  if (!name.startsWith(prefix)) return false;
  const next = name.slice(prefix.length);
  return next === '' || !/^\p{Ll}/u.test(next);
}

/** The names `testing` is imported under in this file; `.` when dot-imported. */
function testingImportNames(root: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (const decl of named(root)) {
    if (decl.type !== 'import_declaration') continue;
    for (const spec of decl.descendantsOfType('import_spec')) {
      if (!spec) continue;
      const importPath = field(spec, 'path');
      if (!importPath || stringLiteralValue(importPath) !== 'testing') continue;
      const alias = field(spec, 'name');
      if (!alias) names.add('testing');
      else if (alias.type === 'dot') names.add('.');
      else if (alias.type === 'package_identifier') names.add(alias.text);
    }
  }
  return names;
}

/**
 * The parameter's name when the function takes exactly one parameter of type `*testing.<type>`;
 * null when that parameter is unnamed or `_` (no subtests can be started through it); undefined when
 * the signature is not a test's.
 */
function singleParameter(fn: SyntaxNode, testing: Set<string>, type: string): string | null | undefined {
  const params = named(field(fn, 'parameters')).filter((p) => p.type !== 'comment');
  if (params.length !== 1) return undefined;
  const param = params[0] as SyntaxNode;
  if (param.type !== 'parameter_declaration') return undefined;
  const names = param.childrenForFieldName('name').filter((n): n is SyntaxNode => n !== null);
  if (names.length > 1 || !isTestingPointer(field(param, 'type'), testing, type)) return undefined;
  const name = names[0]?.text;
  return name === undefined || name === '_' ? null : name;
}

function isTestingPointer(typeNode: SyntaxNode | null, testing: Set<string>, type: string): boolean {
  if (typeNode?.type !== 'pointer_type') return false;
  const target = named(typeNode)[0];
  if (!target) return false;
  if (target.type === 'qualified_type') {
    return testing.has(field(target, 'package')?.text ?? '') && field(target, 'name')?.text === type;
  }
  return target.type === 'type_identifier' && target.text === type && testing.has('.');
}

/**
 * Subtests started through `param` in `body`, in source order, and theirs in turn. A name used twice
 * under one parent is numbered as go test numbers the second run (`name#01`).
 */
function collectSubtests(
  body: SyntaxNode,
  param: string,
  parent: string[],
  kind: { kind: GoTestKind; type: string },
  testing: Set<string>,
  found: GoTestDeclaration[],
): void {
  if (parent.length > MAX_SUBTEST_DEPTH) return;
  const seen = new Map<string, number>();
  for (const call of runCallsOf(body, param)) {
    const args = named(field(call, 'arguments')).filter((a) => a.type !== 'comment');
    const nameArg = args[0];
    const written = nameArg ? stringLiteralValue(nameArg) : undefined;
    if (written === undefined || args.length !== 2) continue;
    const key = rewriteSubtestName(written);
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    const name = count === 0 ? written : `${written}#${String(count).padStart(2, '0')}`;
    const path = [...parent, name];
    const fn = field(call, 'function') as SyntaxNode;
    found.push({ kind: kind.kind, path, line: fn.startPosition.row, character: fn.startPosition.column, endLine: call.endPosition.row });
    const literal = args[1] as SyntaxNode;
    if (literal.type !== 'func_literal') continue;
    const inner = singleParameter(literal, testing, kind.type);
    const innerBody = field(literal, 'body');
    if (inner && innerBody) collectSubtests(innerBody, inner, path, kind, testing, found);
  }
}

/**
 * `param.Run(…)` calls in `node` that belong to this level: the walk does not enter function
 * literals passed to those calls (their subtests are the next level's), but does enter other
 * literals and blocks, where `t` still means this level's parameter unless a literal re-declares it.
 */
function runCallsOf(node: SyntaxNode, param: string): SyntaxNode[] {
  const calls: SyntaxNode[] = [];
  // An explicit stack: a hostile file nests blocks deeper than the call stack allows.
  const stack: SyntaxNode[] = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.type === 'func_literal' && n !== node && declaresParameter(n, param)) continue;
    if (n.type === 'call_expression' && isRunCall(n, param)) {
      calls.push(n);
      continue;
    }
    const children = named(n);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as SyntaxNode);
  }
  return calls.sort((a, b) => a.startIndex - b.startIndex);
}

function isRunCall(call: SyntaxNode, param: string): boolean {
  const fn = field(call, 'function');
  return fn?.type === 'selector_expression' && field(fn, 'operand')?.text === param && field(fn, 'field')?.text === 'Run';
}

function declaresParameter(literal: SyntaxNode, name: string): boolean {
  return named(field(literal, 'parameters')).some((p) => p.childrenForFieldName('name').some((n) => n?.text === name));
}
