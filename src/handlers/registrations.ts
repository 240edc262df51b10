import type { SyntaxNode } from '../go/parser';
import { expressionPath, field, findByText, named, unparen } from '../go/syntax';
import { stripPointer } from '../go/types';
import type { Framework, HandlerRef, Registration } from './model';
import { joinPrefix, routerOf, type Router } from './routers';
import { stringValue, valueOf, type FileScope } from './scope';
import { frameworkOfImport } from './signature';

/**
 * Where handlers are registered, and under which route and method:
 * - net/http: `http.HandleFunc/Handle`, `mux.HandleFunc/Handle` (Go 1.22 `"GET /path"` patterns too);
 * - gin and echo: `GET`/`POST`/… and `Any`, gin's `Handle(method, path, …)`, echo's `Match` and `Add`;
 * - chi and fiber: `Get`/`Post`/…, chi's `Method(Func)`, fiber's `All` and `Add` (v3: a list of methods),
 *   fiber v3's `RouteChain(path).Get(…).Delete(…)`;
 * - gorilla/mux: `HandleFunc(…).Methods(…)` and `Path(…).Methods(…).HandlerFunc(…)`;
 * with the prefixes of the groups, `Route` blocks and sub-routers the router comes from.
 * A call is kept only when its handler argument names something: linking later keeps those that
 * name a handler, so an `http.Client.Get(url)` never becomes a route.
 */

const UPPER_VERBS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE']);
const CAPITAL_VERBS = new Set(['Get', 'Post', 'Put', 'Delete', 'Patch', 'Head', 'Options', 'Connect', 'Trace']);
const REGISTERING_CALL =
  /\.\s*(?:HandleFunc|Handle|HandlerFunc|Handler|GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE|Any|Match|Add|Get|Post|Put|Delete|Patch|Head|Options|Connect|Trace|All|Method|MethodFunc)\s*\(/;

/** Wrappers that turn a handler into another kind of handler without changing what serves the request. */
const WRAPPERS = new Set(['net/http.HandlerFunc', 'github.com/gin-gonic/gin.WrapF', 'github.com/gin-gonic/gin.WrapH']);

export function findRegistrations(scope: FileScope): Registration[] {
  const found: Registration[] = [];
  for (const call of findByText(scope.root, scope.source, REGISTERING_CALL, 'call_expression', 3)) {
    found.push(...registrationsOf(call, scope));
  }
  return found;
}

interface Shape {
  router: Router;
  path: SyntaxNode | undefined;
  methods: Array<string | null>;
  handlers: SyntaxNode[];
  /** Whether a Go 1.22 `"METHOD [host]/path"` pattern may carry the method. */
  muxPattern: boolean;
  /** The router a net/http-shaped handler implies when the router's type is not shown (`Get` is chi's). */
  hint?: Framework;
}

function registrationsOf(call: SyntaxNode, scope: FileScope): Registration[] {
  const shape = shapeOf(call, scope);
  if (!shape || shape.handlers.length === 0) return [];
  const targets = dedupe(shape.handlers.flatMap((h) => handlerRefs(h, scope, 0)));
  if (targets.length === 0) return [];
  let path = shape.path ? stringValue(shape.path, scope) : '';
  let methods = shape.methods;
  if (shape.muxPattern && path !== undefined) {
    const pattern = parseMuxPattern(path);
    path = pattern.path;
    if (pattern.method !== null) methods = [pattern.method];
  }
  const route = path === undefined ? null : joinPrefix(shape.router.prefix, path) ?? null;
  const line = call.startPosition.row + 1;
  const router = shape.router.framework ?? shape.hint ?? importedRouter(scope);
  const origin = shape.router.origin;
  return methods.map((method) => ({ file: scope.file, line, route, method, router, targets, ...(origin ? { origin } : {}) }));
}

function shapeOf(call: SyntaxNode, scope: FileScope): Shape | undefined {
  const callee = field(call, 'function');
  if (callee?.type !== 'selector_expression') return undefined;
  const operand = field(callee, 'operand');
  const name = field(callee, 'field')?.text;
  if (!operand || !name) return undefined;
  const args = named(field(call, 'arguments'));

  const chain = routeChainOf(operand, name, scope);
  if (chain) return chain.shape(args);
  // Cheap checks on the call's shape first: most calls with these names (Header.Get, Values.Add, …)
  // stop here, before the router is followed back to where it was made.
  if (!plausibleArity(name, args.length)) return undefined;
  let router: Router;
  const pkg = operand.type === 'identifier' ? scope.resolver.importPathOf(operand.text, operand) : undefined;
  if (pkg !== undefined) {
    // Only net/http registers on a package: http.HandleFunc and http.Handle use DefaultServeMux.
    if (pkg !== 'net/http' || (name !== 'HandleFunc' && name !== 'Handle')) return undefined;
    router = { framework: 'net/http', prefix: '' };
  } else {
    router = routerOf(operand, scope);
  }
  const fw = router.framework;
  const last = args[args.length - 1];

  if (name === 'HandleFunc' || name === 'Handle') {
    if (args.length >= 3 && (fw === 'gin' || fw === undefined) && args[0] && isHttpMethod(methodValue(args[0], scope))) {
      return { router, path: args[1], methods: [methodValue(args[0], scope) ?? null], handlers: last ? [last] : [], muxPattern: false };
    }
    if (args.length !== 2 || !args[1]) return undefined;
    const chained = chainedMethods(call, scope);
    const framework: Framework | undefined = fw ?? (chained ? 'gorilla/mux' : undefined);
    return {
      router: { ...router, framework },
      path: args[0],
      methods: chained ?? [null],
      handlers: [args[1]],
      muxPattern: framework === 'net/http' || framework === undefined,
    };
  }
  if (UPPER_VERBS.has(name) || name === 'Any') {
    if (args.length < 2 || !last || !args[1] || (fw !== undefined && fw !== 'gin' && fw !== 'echo')) return undefined;
    // gin: middleware first, the handler last; echo: the handler first, middleware after.
    const handlers = fw === 'gin' ? [last] : fw === 'echo' ? [args[1]] : [last, args[1]];
    return { router, path: args[0], methods: [name === 'Any' ? null : name], handlers, muxPattern: false };
  }
  if (CAPITAL_VERBS.has(name) || name === 'All') {
    if (args.length < 2 || !last || !args[1] || (fw !== undefined && fw !== 'chi' && fw !== 'fiber')) return undefined;
    const handlers = fw === 'chi' ? [args[1]] : fw === 'fiber' ? [last] : [last, args[1]];
    return { router, path: args[0], methods: [name === 'All' ? null : name.toUpperCase()], handlers, muxPattern: false, hint: 'chi' };
  }
  if (name === 'Match' && (fw === 'echo' || fw === undefined) && args.length >= 3 && args[0] && args[2]) {
    return { router, path: args[1], methods: methodList(args[0], scope), handlers: [args[2]], muxPattern: false };
  }
  if ((name === 'Add' || name === 'Method' || name === 'MethodFunc') && args.length >= 3 && args[0] && args[2] && last) {
    const single = methodValue(args[0], scope);
    // fiber v3: Add([]string{…}, path, handlers…).
    const methods = isHttpMethod(single) ? [single ?? null] : name === 'Add' && (fw === 'fiber' || fw === undefined) && isMethodList(args[0], scope) ? methodList(args[0], scope) : undefined;
    if (!methods) return undefined;
    // echo Add(method, path, h, m…) and chi Method(method, path, h); fiber Add(method(s), path, handlers…).
    const handlers = fw === 'fiber' ? [last] : fw === 'echo' || fw === 'chi' ? [args[2]] : [args[2], last];
    return { router, path: args[1], methods, handlers, muxPattern: false, ...(name === 'Add' ? {} : { hint: 'chi' as const }) };
  }
  if ((name === 'HandlerFunc' || name === 'Handler') && args.length === 1 && args[0]) {
    return gorillaRoute(operand, args[0], scope);
  }
  return undefined;
}

/**
 * fiber v3's `r.RouteChain("/x").Get(h…).Delete(h…)`: each verb registers its handlers (the last one
 * serves) under the chain's path, nested chains joined. Undefined when `operand` is not such a chain.
 */
function routeChainOf(operand: SyntaxNode, name: string, scope: FileScope): { shape(args: SyntaxNode[]): Shape | undefined } | undefined {
  if (!CAPITAL_VERBS.has(name) && name !== 'All' && name !== 'Add') return undefined;
  let node = unparen(operand);
  // Skip the verbs chained before this one: each returns the chain.
  for (;;) {
    const callee = node.type === 'call_expression' ? field(node, 'function') : null;
    const verb = callee?.type === 'selector_expression' ? field(callee, 'field')?.text : undefined;
    const inner = callee ? field(callee, 'operand') : null;
    if (!verb || !inner || !(CAPITAL_VERBS.has(verb) || verb === 'All' || verb === 'Add')) break;
    node = unparen(inner);
  }
  const paths: SyntaxNode[] = [];
  for (;;) {
    const callee = node.type === 'call_expression' ? field(node, 'function') : null;
    const inner = callee?.type === 'selector_expression' ? field(callee, 'operand') : null;
    const path = named(field(node, 'arguments'))[0];
    if (!callee || !inner || field(callee, 'field')?.text !== 'RouteChain' || !path) break;
    paths.unshift(path);
    node = unparen(inner);
  }
  if (paths.length === 0) return undefined;
  const base = routerOf(node, scope);
  if (base.framework !== undefined && base.framework !== 'fiber') return undefined;
  let prefix = base.prefix;
  for (const p of paths.slice(0, -1)) prefix = joinPrefix(prefix, stringValue(p, scope));
  const router: Router = { ...base, framework: 'fiber', prefix };
  return {
    shape(args) {
      const last = args[args.length - 1];
      if (!last) return undefined;
      const methods = name === 'All' ? [null] : name === 'Add' ? (args[0] && isMethodList(args[0], scope) ? methodList(args[0], scope) : undefined) : [name.toUpperCase()];
      if (!methods || (name === 'Add' && args.length < 2)) return undefined;
      return { router, path: paths[paths.length - 1], methods, handlers: [last], muxPattern: false };
    },
  };
}

function plausibleArity(name: string, count: number): boolean {
  if (name === 'HandlerFunc' || name === 'Handler') return count === 1;
  if (name === 'Match' || name === 'Add' || name === 'Method' || name === 'MethodFunc') return count >= 3;
  return count >= 2;
}

/** `r.Path("/x").Methods("GET").HandlerFunc(h)`: the route builder chain down to the router. */
function gorillaRoute(chain: SyntaxNode, handler: SyntaxNode, scope: FileScope): Shape | undefined {
  const paths: SyntaxNode[] = [];
  let methods: Array<string | null> | undefined;
  let node = unparen(chain);
  let builders = 0;
  while (node.type === 'call_expression') {
    const callee = field(node, 'function');
    if (callee?.type !== 'selector_expression') break;
    const name = field(callee, 'field')?.text;
    const args = named(field(node, 'arguments'));
    if (name === 'Path' || name === 'PathPrefix') {
      if (args[0]) paths.unshift(args[0]);
    } else if (name === 'Methods') {
      methods = args.map((a) => methodValue(a, scope) ?? null);
    } else if (name !== 'Name' && name !== 'Queries' && name !== 'Headers' && name !== 'Schemes' && name !== 'Host') {
      break;
    }
    builders++;
    const operand = field(callee, 'operand');
    if (!operand) break;
    node = unparen(operand);
  }
  if (builders === 0) return undefined;
  const base = routerOf(node, scope);
  if (base.framework !== undefined && base.framework !== 'gorilla/mux') return undefined;
  let prefix = base.prefix;
  const [last, ...rest] = paths.reverse();
  for (const p of rest.reverse()) prefix = joinPrefix(prefix, stringValue(p, scope));
  return {
    router: { framework: 'gorilla/mux', prefix },
    path: last,
    methods: methods ?? [null],
    handlers: [handler],
    muxPattern: false,
  };
}

/** The methods of `.Methods("GET", "POST")` chained after a gorilla/mux `HandleFunc(…)`; undefined without. */
function chainedMethods(call: SyntaxNode, scope: FileScope): Array<string | null> | undefined {
  let methods: Array<string | null> | undefined;
  for (let node = call; ; ) {
    const selector = node.parent;
    const outer = selector?.parent;
    if (selector?.type !== 'selector_expression' || field(selector, 'operand')?.id !== node.id || outer?.type !== 'call_expression') break;
    if (field(selector, 'field')?.text === 'Methods') {
      const args = named(field(outer, 'arguments'));
      methods = args.map((a) => methodValue(a, scope) ?? null);
    }
    node = outer;
  }
  return methods?.length ? methods : undefined;
}

/**
 * For a router whose type the source does not show: chi or gorilla/mux when the file imports exactly one
 * of them (their routers register net/http handlers with the same HandleFunc as ServeMux), else unknown.
 */
function importedRouter(scope: FileScope): Framework | undefined {
  const routers = new Set<Framework>();
  for (const importPath of scope.resolver.imports.values()) {
    if (/^github\.com\/go-chi\/chi(\/v\d+)?$/.test(importPath)) routers.add('chi');
    if (importPath === 'github.com/gorilla/mux') routers.add('gorilla/mux');
  }
  return routers.size === 1 ? [...routers][0] : undefined;
}

/** `"GET"`, a constant holding it, `http.MethodGet`, or a router package's copy of it (`fiber.MethodGet`). */
function methodValue(expr: SyntaxNode, scope: FileScope): string | undefined {
  const text = stringValue(expr, scope);
  if (text !== undefined) return text.toUpperCase();
  const path = expressionPath(unparen(expr));
  if (path?.length === 2 && path[0] && path[1] && /^Method[A-Z][a-z]+$/.test(path[1])) {
    const pkg = scope.resolver.importPathOf(path[0], expr);
    if (pkg !== undefined && frameworkOfImport(pkg) !== undefined) return path[1].slice('Method'.length).toUpperCase();
  }
  return undefined;
}

/** `[]string{…}`, or a name bound to one. */
function isMethodList(expr: SyntaxNode, scope: FileScope): boolean {
  const e = unparen(expr);
  const literal = e.type === 'identifier' ? valueOf(e.text, e, scope)?.value : e;
  return literal?.type === 'composite_literal' && field(literal, 'type')?.type === 'slice_type';
}

/** echo's `Match([]string{"GET", http.MethodPost}, …)`, fiber v3's `Add([]string{fiber.MethodPut}, …)`. */
function methodList(expr: SyntaxNode, scope: FileScope): Array<string | null> {
  const e = unparen(expr);
  const literal = e.type === 'identifier' ? valueOf(e.text, e, scope)?.value : e;
  const body = literal?.type === 'composite_literal' ? field(literal, 'body') : null;
  const methods = named(body)
    .map((el) => (el.type === 'literal_element' ? named(el)[0] : el))
    .filter((el): el is SyntaxNode => !!el)
    .map((el) => methodValue(el, scope) ?? null);
  return methods.length > 0 ? methods : [null];
}

function isHttpMethod(method: string | undefined): boolean {
  return method !== undefined && /^[A-Z]+$/.test(method);
}

/**
 * Go 1.22 ServeMux patterns: `[METHOD ][HOST]/[PATH]`. The route keeps the path (requests go to the
 * attached service's host), wildcards as written.
 */
export function parseMuxPattern(pattern: string): { method: string | null; path: string } {
  let rest = pattern.trim();
  let method: string | null = null;
  const m = /^([A-Z]+)\s+(.*)$/.exec(rest);
  if (m?.[1] && m[2] !== undefined) {
    method = m[1];
    rest = m[2].trim();
  }
  const slash = rest.indexOf('/');
  if (slash > 0) rest = rest.slice(slash);
  // `/{$}` matches the path exactly: the path itself is what a request asks for.
  if (rest.endsWith('/{$}')) rest = rest.slice(0, -'{$}'.length);
  return { method, path: rest };
}

/**
 * What a handler argument names, best guesses first: a function or method value, a function literal
 * (inline or bound to a name), a value whose type has ServeHTTP, or — through `http.HandlerFunc(f)`,
 * `gin.WrapF(f)` and middleware calls like `auth(next)` — the handler they wrap.
 */
export function handlerRefs(expr: SyntaxNode, scope: FileScope, depth: number): HandlerRef[] {
  if (depth > 4) return [];
  const e = unparen(expr);
  switch (e.type) {
    case 'func_literal':
      return [{ pkg: null, key: literalKey(scope.file, e) }];
    case 'identifier':
      return refsOfName(e, scope, depth);
    case 'selector_expression':
      return refsOfSelector(e, scope);
    case 'unary_expression':
    case 'composite_literal':
      return serveHttpOf(scope.resolver.typeOf(e)?.[0]);
    case 'call_expression':
      return refsOfCall(e, scope, depth);
    default:
      return [];
  }
}

function refsOfName(id: SyntaxNode, scope: FileScope, depth: number): HandlerRef[] {
  const decl = scope.resolver.lookup(id.text, id);
  const found = valueOf(id.text, id, scope);
  if (found && found.value.type === 'func_literal') return [{ pkg: null, key: literalKey(found.scope.file, found.value) }];
  if (decl) {
    const fromType = serveHttpOf(decl.type);
    if (fromType.length > 0) return fromType;
    return found ? handlerRefs(found.value, found.scope, depth + 1) : [];
  }
  if (found) return handlerRefs(found.value, found.scope, depth + 1);
  // A package-level function (of any file of the package).
  return [{ pkg: null, key: id.text }];
}

function refsOfSelector(sel: SyntaxNode, scope: FileScope): HandlerRef[] {
  const operand = field(sel, 'operand');
  const name = field(sel, 'field')?.text;
  if (!operand || !name) return [];
  if (operand.type === 'identifier') {
    const importPath = scope.resolver.importPathOf(operand.text, operand);
    if (importPath !== undefined) return [{ pkg: importPath, key: name }];
  }
  // A method value: `s.handleX`, `h.List`.
  const type = scope.resolver.typeOf(operand)?.[0];
  if (type !== undefined) {
    const { pkg, name: typeName } = splitType(type);
    return [{ pkg, key: `${typeName}.${name}` }];
  }
  return [{ pkgs: [null, ...scope.resolver.imports.values()], methodName: name }];
}

function refsOfCall(call: SyntaxNode, scope: FileScope, depth: number): HandlerRef[] {
  const fn = field(call, 'function');
  const path = fn ? expressionPath(fn) : null;
  const args = named(field(call, 'arguments'));
  if (path?.length === 2 && path[0] && fn) {
    const pkg = scope.resolver.importPathOf(path[0], fn);
    if (pkg !== undefined && WRAPPERS.has(`${pkg}.${path[1]}`)) return args[0] ? handlerRefs(args[0], scope, depth + 1) : [];
  }
  // A conversion to a type of the package (`stringHandler(msg)`), a constructor whose result type has
  // ServeHTTP, else whatever handler its arguments name (middleware).
  const conversion = fn?.type === 'identifier' && !scope.resolver.lookup(fn.text, fn) && scope.resolver.pkg.underlying(fn.text) !== undefined;
  const fromType = serveHttpOf(conversion && fn ? fn.text : scope.resolver.typeOf(call)?.[0]);
  const fromArgs = args.flatMap((a) => handlerRefs(a, scope, depth + 1));
  return [...fromType, ...fromArgs];
}

/** A value of type T (or *T) serves through T's ServeHTTP method. */
function serveHttpOf(type: string | undefined): HandlerRef[] {
  if (type === undefined || !/^\*?[\w./-]*[A-Za-z_]\w*$/.test(type)) return [];
  const { pkg, name } = splitType(type);
  return [{ pkg, key: `${name}.ServeHTTP` }];
}

/** `*example.com/app/api.Server` → {pkg: 'example.com/app/api', name: 'Server'}; a local `Server` has pkg null. */
function splitType(type: string): { pkg: string | null; name: string } {
  const bare = stripPointer(type);
  const dot = bare.lastIndexOf('.');
  return dot < 0 ? { pkg: null, name: bare } : { pkg: bare.slice(0, dot), name: bare.slice(dot + 1) };
}

export function literalKey(file: string, literal: SyntaxNode): string {
  return `lit:${file}:${literal.startIndex}`;
}

function dedupe(refs: HandlerRef[]): HandlerRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = JSON.stringify(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
