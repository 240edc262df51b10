import type { SyntaxNode } from '../go/parser';
import { enclosingFunction, field, isFunction, named, unparen } from '../go/syntax';
import type { Framework, RouterOrigin } from './model';
import { functionKey } from './naming';
import { stringValue, valueOf, type FileScope } from './scope';
import { frameworkOfImport, routerFrameworkOfType } from './signature';

/** What a router expression is, as far as the source shows: its framework and the prefix it adds. */
export interface Router {
  framework: Framework | undefined;
  /** Path prefix of groups, `Route` blocks and sub-routers above it; undefined when one is computed at run time. */
  prefix: string | undefined;
  /** Set when the router comes from the function's callers, who add their prefix before `prefix`. */
  origin?: RouterOrigin;
}

const UNKNOWN: Router = { framework: undefined, prefix: '' };

/** Constructors of a fresh router, by the package that exports them. */
const CONSTRUCTORS = new Set(['NewServeMux', 'NewRouter', 'NewMux', 'New', 'Default']);

/**
 * Follows a router expression back to where it was made: `chi.NewRouter()`, `gin.Default()`,
 * `r.Group("/api")`, `r.PathPrefix("/v1").Subrouter()`, the parameter of a chi or fiber
 * `r.Route("/x", func(r chi.Router) {…})` callback, a variable (mounted in its function with chi's
 * `Mount` or fiber's `Use`/`Mount`: under that prefix), a struct field or parameter whose type names the
 * router. A parameter of a declared function, or a router the function returns, has its callers as
 * origin (see RouterSite). Anything else is a router of unknown framework with no prefix.
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
      return withOrigin({ framework: own ?? outer.framework, prefix }, outer.origin);
    }
    const slot = decl.kind === 'param' && decl.owner ? parameterIndex(decl.owner, id.text) : undefined;
    const fn = decl.owner && slot !== undefined ? functionKey(decl.owner) : undefined;
    return withOrigin({ framework: own, prefix: '' }, fn !== undefined && slot !== undefined && own !== undefined ? { fn, slot } : undefined);
  }
  const found = valueOf(id.text, id, scope);
  if (found) {
    let fromValue = routerOf(found.value, found.scope, depth + 1);
    if (fromValue.framework === undefined) fromValue = { ...fromValue, framework: routerFrameworkOfType(decl?.type) };
    if (fromValue.framework === undefined || !decl || decl.kind === 'package') return fromValue;
    // A router variable of a function: mounted there under a prefix, or returned for callers to mount.
    const fn = enclosingFunction(decl.node);
    if (!fn) return fromValue;
    const mount = localMount(fn, decl.node, id.text, scope);
    if (mount) {
      const outer = routerOf(mount.router, scope, depth + 1);
      return withOrigin({ framework: fromValue.framework, prefix: joinPrefix(joinPrefix(outer.prefix, pathText(mount.path, scope)), fromValue.prefix) }, outer.origin);
    }
    const key = fn.type === 'func_literal' ? undefined : functionKey(fn);
    if (key !== undefined && fromValue.origin === undefined && returns(fn, decl.node, id.text, scope)) return { ...fromValue, origin: { fn: key, slot: 'result' } };
    return fromValue;
  }
  return { framework: routerFrameworkOfType(decl?.type), prefix: '' };
}

function withOrigin(router: Router, origin: RouterOrigin | undefined): Router {
  return origin ? { ...router, origin } : router;
}

/** The index of parameter `name` among `fn`'s parameters (`a, b T` counts twice; the receiver not at all). */
function parameterIndex(fn: SyntaxNode, name: string): number | undefined {
  let index = 0;
  for (const p of named(field(fn, 'parameters'))) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const names = p.childrenForFieldName('name').filter((n): n is SyntaxNode => n !== null);
    const at = names.findIndex((n) => n.text === name);
    if (at >= 0) return index + at;
    index += Math.max(1, names.length);
  }
  return undefined;
}

/** Mounting calls: chi's `Mount(path, h)`, fiber v2's `Mount(prefix, app)`, fiber v3's `Use(prefix, app)`. */
export function mountCall(call: SyntaxNode, scope: FileScope): { router: SyntaxNode; path: SyntaxNode; mounted: SyntaxNode } | undefined {
  const callee = field(call, 'function');
  if (callee?.type !== 'selector_expression') return undefined;
  const method = field(callee, 'field')?.text;
  if (method !== 'Mount' && method !== 'Use') return undefined;
  const args = named(field(call, 'arguments'));
  const router = field(callee, 'operand');
  const [path, mounted] = args;
  if (args.length !== 2 || !router || !path || !mounted || stringValue(path, scope) === undefined) return undefined;
  return { router, path, mounted };
}

/** Mounting calls by function node id, per file scope: a routes function asks once, not once per route. */
const mountsByFunction = new WeakMap<FileScope, Map<number, ReturnType<typeof mountCall>[]>>();

/** The call in `fn` (or a function literal within it) that mounts the variable `name` declared by `declNode`. */
function localMount(fn: SyntaxNode, declNode: SyntaxNode, name: string, scope: FileScope): { router: SyntaxNode; path: SyntaxNode } | undefined {
  let byFunction = mountsByFunction.get(scope);
  if (!byFunction) mountsByFunction.set(scope, (byFunction = new Map()));
  let mounts = byFunction.get(fn.id);
  if (!mounts) {
    // Most functions mount nothing: a text test before any call is looked at.
    const body = field(fn, 'body');
    const calls = body && /\.\s*(Mount|Use)\s*\(/.test(body.text) ? body.descendantsOfType('call_expression') : [];
    mounts = calls.map((c) => (c ? mountCall(c, scope) : undefined)).filter((m) => m !== undefined);
    byFunction.set(fn.id, mounts);
  }
  for (const mount of mounts) {
    const mounted = mount ? unparen(mount.mounted) : undefined;
    if (mount && mounted?.type === 'identifier' && mounted.text === name && scope.resolver.lookup(name, mounted)?.node.id === declNode.id) return mount;
  }
  return undefined;
}

/** Whether `fn` returns the variable `name` declared by `declNode` (`return r`). */
function returns(fn: SyntaxNode, declNode: SyntaxNode, name: string, scope: FileScope): boolean {
  return ownReturns(fn).some((ret) => {
    const values = named(named(ret)[0]);
    const only = values.length === 1 && values[0] ? unparen(values[0]) : undefined;
    return only?.type === 'identifier' && only.text === name && scope.resolver.lookup(name, only)?.node.id === declNode.id;
  });
}

/** Return statements of `fn` itself, not of a function literal within it. */
function ownReturns(fn: SyntaxNode): SyntaxNode[] {
  const body = field(fn, 'body');
  if (!body) return [];
  return body.descendantsOfType('return_statement').filter((n): n is SyntaxNode => {
    if (!n) return false;
    for (let p = n.parent; p && p.id !== fn.id; p = p.parent) if (isFunction(p)) return false;
    return true;
  });
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
      return withOrigin({ framework: outer.framework, prefix: joinPrefix(outer.prefix, pathText(first, scope)) }, outer.origin);
    }
    case 'Route': {
      // chi: r.Route("/x", fn) returns the sub-router it built.
      const outer = routerOf(operand, scope, depth + 1);
      const first = args[0];
      return first ? withOrigin({ framework: outer.framework, prefix: joinPrefix(outer.prefix, pathText(first, scope)) }, outer.origin) : outer;
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
  return withOrigin({ framework: base.framework ?? 'gorilla/mux', prefix }, base.origin);
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
