import type { SyntaxNode } from '../go/parser';
import { field, named, unparen } from '../go/syntax';
import type { Framework } from './model';
import { stringValue, valueOf, type FileScope } from './scope';
import { frameworkOfImport, routerFrameworkOfType } from './signature';

/** What a router expression is, as far as the source shows: its framework and the prefix it adds. */
export interface Router {
  framework: Framework | undefined;
  /** Path prefix of groups, `Route` blocks and sub-routers above it; undefined when one is computed at run time. */
  prefix: string | undefined;
}

const UNKNOWN: Router = { framework: undefined, prefix: '' };

/** Constructors of a fresh router, by the package that exports them. */
const CONSTRUCTORS = new Set(['NewServeMux', 'NewRouter', 'NewMux', 'New', 'Default']);

/**
 * Follows a router expression back to where it was made: `chi.NewRouter()`, `gin.Default()`,
 * `r.Group("/api")`, `r.PathPrefix("/v1").Subrouter()`, the parameter of a chi or fiber
 * `r.Route("/x", func(r chi.Router) {…})` callback, a variable, a struct field or parameter whose
 * type names the router. Anything else is a router of unknown framework with no prefix.
 */
export function routerOf(expr: SyntaxNode, scope: FileScope, depth = 0): Router {
  if (depth > 12) return UNKNOWN;
  const e = unparen(expr);
  switch (e.type) {
    case 'identifier':
      return routerOfName(e, scope, depth);
    case 'unary_expression': {
      const operand = field(e, 'operand');
      return operand ? routerOf(operand, scope, depth + 1) : UNKNOWN;
    }
    case 'selector_expression': {
      const type = scope.resolver.typeOf(e)?.[0];
      return { framework: routerFrameworkOfType(type), prefix: '' };
    }
    case 'call_expression':
      return routerOfCall(e, scope, depth);
    default:
      return UNKNOWN;
  }
}

function routerOfName(id: SyntaxNode, scope: FileScope, depth: number): Router {
  const decl = scope.resolver.lookup(id.text, id);
  if (decl && (decl.kind === 'param' || decl.kind === 'receiver')) {
    const own = routerFrameworkOfType(decl.type);
    const callback = decl.owner?.type === 'func_literal' ? routeCallbackOf(decl.owner) : undefined;
    if (callback) {
      const outer = routerOf(callback.router, scope, depth + 1);
      const prefix = callback.path === null ? outer.prefix : joinPrefix(outer.prefix, pathText(callback.path, scope));
      return { framework: own ?? outer.framework, prefix };
    }
    return { framework: own, prefix: '' };
  }
  const found = valueOf(id.text, id, scope);
  if (found) {
    const fromValue = routerOf(found.value, found.scope, depth + 1);
    if (fromValue.framework !== undefined) return fromValue;
    return { ...fromValue, framework: routerFrameworkOfType(decl?.type) };
  }
  return { framework: routerFrameworkOfType(decl?.type), prefix: '' };
}

/**
 * When `literal` is the callback of `r.Route("/x", func(r chi.Router) {…})` (chi, fiber) or of chi's
 * `r.Group(func(r chi.Router) {…})`: the outer router and the path it adds (null for Group).
 */
function routeCallbackOf(literal: SyntaxNode): { router: SyntaxNode; path: SyntaxNode | null } | undefined {
  const args = literal.parent;
  const call = args?.parent;
  if (args?.type !== 'argument_list' || call?.type !== 'call_expression') return undefined;
  const callee = field(call, 'function');
  if (callee?.type !== 'selector_expression') return undefined;
  const method = field(callee, 'field')?.text;
  const router = field(callee, 'operand');
  const list = named(args);
  if (!router) return undefined;
  if (method === 'Route' && list.length >= 2 && list[1]?.id === literal.id && list[0]) return { router, path: list[0] };
  if (method === 'Group' && list.length === 1 && list[0]?.id === literal.id) return { router, path: null };
  return undefined;
}

function routerOfCall(call: SyntaxNode, scope: FileScope, depth: number): Router {
  const callee = field(call, 'function');
  if (callee?.type !== 'selector_expression') return UNKNOWN;
  const operand = field(callee, 'operand');
  const method = field(callee, 'field')?.text;
  if (!operand || !method) return UNKNOWN;
  const args = named(field(call, 'arguments'));
  if (operand.type === 'identifier') {
    const importPath = scope.resolver.importPathOf(operand.text, operand);
    if (importPath !== undefined) {
      const framework = frameworkOfImport(importPath);
      return framework && CONSTRUCTORS.has(method) ? { framework, prefix: '' } : UNKNOWN;
    }
  }
  switch (method) {
    case 'Group': {
      const outer = routerOf(operand, scope, depth + 1);
      // gin, echo and fiber: Group("/prefix", middleware…); chi: Group(fn) adds no prefix.
      const first = args[0];
      if (!first || first.type === 'func_literal') return outer;
      return { framework: outer.framework, prefix: joinPrefix(outer.prefix, pathText(first, scope)) };
    }
    case 'Route': {
      // chi: r.Route("/x", fn) returns the sub-router it built.
      const outer = routerOf(operand, scope, depth + 1);
      const first = args[0];
      return first ? { framework: outer.framework, prefix: joinPrefix(outer.prefix, pathText(first, scope)) } : outer;
    }
    case 'With':
    case 'Use':
      return routerOf(operand, scope, depth + 1);
    case 'Subrouter':
      return gorillaSubrouter(operand, scope, depth);
    default:
      return UNKNOWN;
  }
}

/** `r.PathPrefix("/v1").Subrouter()`, also with `.Host(…)`, `.Methods(…)`, `.Schemes(…)` in the chain. */
function gorillaSubrouter(chain: SyntaxNode, scope: FileScope, depth: number): Router {
  let prefix: string | undefined = '';
  let node = unparen(chain);
  const segments: Array<string | undefined> = [];
  while (node.type === 'call_expression') {
    const callee = field(node, 'function');
    if (callee?.type !== 'selector_expression') break;
    const method = field(callee, 'field')?.text;
    const first = named(field(node, 'arguments'))[0];
    if ((method === 'PathPrefix' || method === 'Path') && first) segments.unshift(pathText(first, scope));
    const operand = field(callee, 'operand');
    if (!operand) break;
    node = unparen(operand);
  }
  const base = routerOf(node, scope, depth + 1);
  prefix = base.prefix;
  for (const s of segments) prefix = joinPrefix(prefix, s);
  return { framework: base.framework ?? 'gorilla/mux', prefix };
}

function pathText(expr: SyntaxNode, scope: FileScope): string | undefined {
  return stringValue(expr, scope);
}

/** `/api` + `/users` → `/api/users`; one slash where they meet; unknown stays unknown. */
export function joinPrefix(prefix: string | undefined, path: string | undefined): string | undefined {
  if (prefix === undefined || path === undefined) return undefined;
  if (prefix === '') return path;
  if (path === '') return prefix;
  if (prefix.endsWith('/') && path.startsWith('/')) return prefix + path.slice(1);
  if (!prefix.endsWith('/') && !path.startsWith('/')) return `${prefix}/${path}`;
  return prefix + path;
}
