import type { SyntaxNode } from '../go/parser';
import { field, fields, named } from '../go/syntax';
import { canonicalType, stripPointer, type Imports } from '../go/types';
import type { Framework, SignatureFramework } from './model';

/** Canonical parameter types of each handler shape (see src/go/types.ts for the spelling). */
const RESPONSE_WRITER = 'net/http.ResponseWriter';
const REQUEST = '*net/http.Request';
const GIN_CONTEXT = '*github.com/gin-gonic/gin.Context';
/** echo up to v4 passes its Context interface; v5 made Context a struct and passes a pointer to it. */
const ECHO_CONTEXTS = new Set(['github.com/labstack/echo/v4.Context', 'github.com/labstack/echo.Context', '*github.com/labstack/echo/v5.Context']);
/** fiber v2 passes `*fiber.Ctx`; v3 made Ctx an interface and passes it by value. */
const FIBER_CTX_V2 = '*github.com/gofiber/fiber/v2.Ctx';
const FIBER_CTX_V3 = 'github.com/gofiber/fiber/v3.Ctx';

/**
 * Parameter lists that can belong to a handler, decided on the text before any type is resolved: most
 * functions of a large package are dismissed here without building a single canonical type.
 */
const MAYBE_HANDLER_PARAMS = /ResponseWriter|Context|Ctx/;

/**
 * The framework whose handler signature `fn` (a function, method or function literal) has, by
 * canonical type whatever the import is named: `(http.ResponseWriter, *http.Request)` with no result,
 * `(*gin.Context)` with no result, `(echo.Context) error` (echo v5: `(*echo.Context) error`),
 * `(*fiber.Ctx) error` (fiber v3: `(fiber.Ctx) error`, or no result, which v3 also registers). Anything
 * else, a writer plus some other parameter included, is not a handler.
 */
export function handlerSignature(fn: SyntaxNode, imports: Imports, unqualified: readonly string[] = []): SignatureFramework | null {
  const params = field(fn, 'parameters');
  if (!params || !MAYBE_HANDLER_PARAMS.test(params.text)) return null;
  let types = parameterTypes(params, imports);
  if (types === null) return null;
  // Inside net/http itself, or with `import . "net/http"`, the types are spelled without a package.
  if (unqualified.length > 0) types = types.map((t) => qualifyLocal(t, unqualified));
  const results = resultTypes(field(fn, 'result'), imports);
  if (types.length === 2 && types[0] === RESPONSE_WRITER && types[1] === REQUEST) {
    return results.length === 0 ? 'net/http' : null;
  }
  if (types.length !== 1) return null;
  const [only] = types;
  if (only === GIN_CONTEXT) return results.length === 0 ? 'gin' : null;
  const returnsError = results.length === 1 && results[0] === 'error';
  if (only !== undefined && ECHO_CONTEXTS.has(only)) return returnsError ? 'echo' : null;
  if (only === FIBER_CTX_V2) return returnsError ? 'fiber' : null;
  if (only === FIBER_CTX_V3) return returnsError || results.length === 0 ? 'fiber' : null;
  return null;
}

const HANDLER_TYPES = new Set([RESPONSE_WRITER, REQUEST, GIN_CONTEXT, FIBER_CTX_V2, FIBER_CTX_V3, ...ECHO_CONTEXTS]);

function qualifyLocal(type: string, packages: readonly string[]): string {
  const pointer = type.startsWith('*') ? '*' : '';
  const bare = stripPointer(type);
  if (!/^[A-Za-z_]\w*$/.test(bare)) return type;
  for (const pkg of packages) {
    const qualified = `${pointer}${pkg}.${bare}`;
    if (HANDLER_TYPES.has(qualified)) return qualified;
  }
  return type;
}

/** Import paths of `import . "path"` declarations (fileImports leaves them out). */
export function dotImports(root: SyntaxNode): string[] {
  const paths: string[] = [];
  for (const decl of named(root)) {
    if (decl.type !== 'import_declaration') continue;
    for (const spec of decl.descendantsOfType('import_spec')) {
      if (spec && field(spec, 'name')?.type === 'dot') paths.push((field(spec, 'path')?.text ?? '').replace(/^["`]|["`]$/g, ''));
    }
  }
  return paths;
}

/** One canonical type per parameter (`a, b T` counts twice); null when a type is not shown or variadic. */
function parameterTypes(list: SyntaxNode, imports: Imports): string[] | null {
  const types: string[] = [];
  for (const p of named(list)) {
    if (p.type === 'comment') continue;
    if (p.type !== 'parameter_declaration') return null;
    const type = canonicalType(field(p, 'type'), imports);
    if (type === undefined) return null;
    const count = Math.max(1, fields(p, 'name').length);
    for (let i = 0; i < count; i++) types.push(type);
  }
  return types;
}

function resultTypes(result: SyntaxNode | null, imports: Imports): Array<string | undefined> {
  if (!result) return [];
  if (result.type !== 'parameter_list') return [canonicalType(result, imports)];
  return parameterTypes(result, imports) ?? [undefined];
}

/** Router types by the package that declares them (a struct field, a parameter, a variable). */
const ROUTER_PACKAGES: Array<[RegExp, Framework]> = [
  [/^net\/http\.ServeMux$/, 'net/http'],
  [/^github\.com\/go-chi\/chi(\/v\d+)?\./, 'chi'],
  [/^github\.com\/gorilla\/mux\./, 'gorilla/mux'],
  [/^github\.com\/gin-gonic\/gin\./, 'gin'],
  [/^github\.com\/labstack\/echo(\/v\d+)?\./, 'echo'],
  [/^github\.com\/gofiber\/fiber(\/v\d+)?\./, 'fiber'],
];

/** The framework of a router type (`*net/http.ServeMux`, `github.com/go-chi/chi/v5.Router`, …). */
export function routerFrameworkOfType(type: string | undefined): Framework | undefined {
  if (type === undefined) return undefined;
  const bare = stripPointer(type);
  return ROUTER_PACKAGES.find(([re]) => re.test(bare))?.[1];
}

/** The framework a package import path belongs to, for constructors like `chi.NewRouter()`. */
export function frameworkOfImport(importPath: string | undefined): Framework | undefined {
  if (importPath === undefined) return undefined;
  if (importPath === 'net/http') return 'net/http';
  return routerFrameworkOfType(`${importPath}.X`);
}
