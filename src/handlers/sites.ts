import type { SyntaxNode } from '../go/parser';
import { field, named, unparen } from '../go/syntax';
import { stripPointer } from '../go/types';
import type { RouterOrigin, RouterSite } from './model';
import { joinPrefix, mountCall, routerOf, type Router } from './routers';
import { stringValue, type FileScope } from './scope';

/**
 * The calls of one file that give another function's router its prefix (RouterSite): a router handed
 * to a declared function (`h.registerReports(api.Group("/reports"))`, chi's and fiber's
 * `r.Route("/users", userRoutes)`, chi's `r.Group(adminRoutes)`), or the router a function returns,
 * mounted (`r.Mount("/admin", adminRouter())`). Registrations inside those functions are relative to
 * the prefixes found here; linkHandlers joins them.
 *
 * Only files that import a router package are read: a net/http ServeMux has no prefixes to hand on
 * (a pattern is the whole path), so passing one around changes no route.
 */
const ROUTER_IMPORT = /^github\.com\/(gin-gonic\/gin|labstack\/echo(\/v\d+)?|go-chi\/chi(\/v\d+)?|gofiber\/fiber(\/v\d+)?|gorilla\/mux)$/;

export function findRouterSites(scope: FileScope): RouterSite[] {
  if (![...scope.resolver.imports.values()].some((p) => ROUTER_IMPORT.test(p))) return [];
  const sites: RouterSite[] = [];
  for (const call of scope.root.descendantsOfType('call_expression')) {
    if (call) sites.push(...sitesOf(call, scope));
  }
  return sites;
}

function sitesOf(call: SyntaxNode, scope: FileScope): RouterSite[] {
  const mount = mountCall(call, scope);
  if (mount) {
    const target = calledFunction(unparen(mount.mounted), scope);
    if (!target) return [];
    const outer = routerOf(mount.router, scope);
    return [site(target, 'result', { ...outer, prefix: joinPrefix(outer.prefix, stringValue(mount.path, scope)) })];
  }
  const callback = routeCallback(call, scope);
  if (callback) return [callback];
  const target = calledFunction(call, scope);
  if (!target) return [];
  const sites: RouterSite[] = [];
  named(field(call, 'arguments')).forEach((arg, index) => {
    const e = unparen(arg);
    if (e.type !== 'identifier' && e.type !== 'call_expression' && e.type !== 'selector_expression' && e.type !== 'unary_expression') return;
    const router = routerOf(e, scope);
    if (router.framework !== undefined || router.origin !== undefined) sites.push(site(target, index, router));
  });
  return sites;
}

/** chi's `r.Route("/x", fn)` and `r.Group(fn)`, fiber's `r.Route("/x", fn)`, with `fn` a declared function. */
function routeCallback(call: SyntaxNode, scope: FileScope): RouterSite | undefined {
  const callee = field(call, 'function');
  if (callee?.type !== 'selector_expression') return undefined;
  const method = field(callee, 'field')?.text;
  const operand = field(callee, 'operand');
  const args = named(field(call, 'arguments'));
  if (!operand) return undefined;
  let fn: SyntaxNode | undefined;
  let path: SyntaxNode | undefined;
  if (method === 'Route' && args.length >= 2) [path, fn] = args;
  else if (method === 'Group' && args.length === 1) [fn] = args;
  if (!fn) return undefined;
  const e = unparen(fn);
  if (e.type !== 'identifier' && e.type !== 'selector_expression') return undefined;
  const target = functionRef(e, scope);
  if (!target) return undefined;
  const outer = routerOf(operand, scope);
  if (outer.framework === undefined && outer.origin === undefined) return undefined;
  return site(target, 0, path ? { ...outer, prefix: joinPrefix(outer.prefix, stringValue(path, scope)) } : outer);
}

function site(target: { pkg: string | null; fn: string }, slot: RouterOrigin['slot'], router: Router): RouterSite {
  const s: RouterSite = { ...target, slot, prefix: router.prefix };
  if (router.origin) s.origin = router.origin;
  return s;
}

/** The function `expr` calls, when it is a call. */
function calledFunction(expr: SyntaxNode, scope: FileScope): { pkg: string | null; fn: string } | undefined {
  if (expr.type !== 'call_expression') return undefined;
  const fn = field(expr, 'function');
  return fn ? functionRef(unparen(fn), scope) : undefined;
}

/**
 * What a function expression names: `f` (a function of the file's package, not a local variable),
 * `pkg.F` (an imported package's), `v.m` (a method of v's type, when the source shows the type).
 */
function functionRef(fn: SyntaxNode, scope: FileScope): { pkg: string | null; fn: string } | undefined {
  if (fn.type === 'identifier') return scope.resolver.lookup(fn.text, fn) ? undefined : { pkg: null, fn: fn.text };
  if (fn.type !== 'selector_expression') return undefined;
  const operand = field(fn, 'operand');
  const name = field(fn, 'field')?.text;
  if (!operand || !name) return undefined;
  if (operand.type === 'identifier') {
    const importPath = scope.resolver.importPathOf(operand.text, operand);
    if (importPath !== undefined) return { pkg: importPath, fn: name };
  }
  const type = scope.resolver.typeOf(operand)?.[0];
  if (type === undefined || !/^\*?[\w./-]*[A-Za-z_]\w*$/.test(type)) return undefined;
  const bare = stripPointer(type);
  const dot = bare.lastIndexOf('.');
  return dot < 0 ? { pkg: null, fn: `${bare}.${name}` } : { pkg: bare.slice(0, dot), fn: `${bare.slice(dot + 1)}.${name}` };
}
