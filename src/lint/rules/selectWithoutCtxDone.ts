import { nodeRange, type SyntaxNode } from '../../go/parser';
import { receiverTypeName } from '../../go/packageIndex';
import { descendantsOfType, field, fields, findByText, indentOf, indentUnit, isFunction, named, unparen } from '../../go/syntax';
import { CONTEXT, HTTP_REQUEST, zeroValue } from '../../go/types';
import type { Fix } from '../types';
import { defineRule, type RuleContext, type RuleFinding } from './rule';

/**
 * select-without-ctx-done: a blocking `select` (no `default`) in a function that can see a
 * context.Context, where no case receives from a context's Done(). Reachability is decided by type
 * as far as the source shows it, never by the name `ctx`. Docs: docs/rules/select-without-ctx-done.md
 */
export const selectWithoutCtxDone = defineRule({
  id: 'select-without-ctx-done',
  summary: 'a blocking `select` that never watches a reachable `context.Context`: the goroutine blocks forever',
  severity: 'warning',
  quickFix: 'Add `case <-ctx.Done()`',
  check(ctx: RuleContext): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const select of findByText(ctx.root, ctx.source, /\bselect\b/, 'select_statement', 1)) {
      const cases = named(select);
      if (cases.some((c) => c.type === 'default_case')) continue;
      if (cases.some((c) => c.type === 'communication_case' && watchesDone(ctx, c))) continue;
      const contexts = reachableContexts(ctx, select);
      const first = contexts[0];
      if (!first) continue;
      const where = leakSite(select);
      const keyword = select.child(0) ?? select;
      const fix = addDoneCase(ctx, select, first);
      findings.push({
        message: message(first, where),
        range: nodeRange(keyword),
        fixes: fix ? [fix] : [],
      });
    }
    return findings;
  },
});

function message(context: string, where: 'loop' | 'goroutine' | null): string {
  const done = `${context}.Done()`;
  if (where === 'goroutine') {
    return `This select in a goroutine never receives from ${done}, so once ${context} is cancelled the goroutine stays blocked here and leaks with everything it references.`;
  }
  if (where === 'loop') {
    return `This select in a loop never receives from ${done}, so cancelling ${context} cannot stop the loop and its goroutine leaks, blocked here.`;
  }
  return `This select blocks without receiving from ${done}, so cancelling ${context} does not release the goroutine waiting here.`;
}

/** Whether the select sits in a loop of its own function, or in a function literal started with `go`. */
function leakSite(select: SyntaxNode): 'loop' | 'goroutine' | null {
  for (let n = select.parent; n; n = n.parent) {
    if (n.type === 'for_statement') return 'loop';
    if (isFunction(n)) {
      if (n.type === 'func_literal' && n.parent?.type === 'call_expression' && n.parent.parent?.type === 'go_statement') {
        return 'goroutine';
      }
      return null;
    }
  }
  return null;
}

/** `case <-x.Done():`, `case <-r.Context().Done():` or `case <-done:` with `done := ctx.Done()`. */
function watchesDone(ctx: RuleContext, commCase: SyntaxNode): boolean {
  const comm = field(commCase, 'communication');
  if (!comm || comm.type !== 'receive_statement') return false;
  const right = field(comm, 'right');
  if (!right) return false;
  const recv = unparen(right);
  if (recv.type !== 'unary_expression') return false;
  const operand = field(recv, 'operand');
  if (!operand) return false;
  const chan = unparen(operand);
  if (isDoneCall(chan)) return true;
  if (chan.type === 'identifier') {
    const decl = ctx.resolver.lookup(chan.text, chan);
    if (!decl) return false;
    const values = decl.node.type === 'short_var_declaration' || decl.node.type === 'var_spec' ? declaredValue(decl.node, chan.text) : null;
    return !!values && isDoneCall(unparen(values));
  }
  return false;
}

function isDoneCall(expr: SyntaxNode): boolean {
  if (expr.type !== 'call_expression') return false;
  const fn = field(expr, 'function');
  return fn?.type === 'selector_expression' && field(fn, 'field')?.text === 'Done' && named(field(expr, 'arguments')).length === 0;
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
    if (decl?.type === CONTEXT) found.push(name);
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
