/**
 * HTTP handlers and the routes they are registered under, as found in Go source. Plain data: no
 * syntax tree survives into these types, so a package's handlers can be summarized once (per file,
 * per worker) and linked to registrations made in other files or packages afterwards.
 */

/** What serves the request: the handler's signature, or for net/http-shaped handlers the router. */
export type Framework = 'net/http' | 'chi' | 'gorilla/mux' | 'gin' | 'echo' | 'fiber';

/** The frameworks a handler signature can belong to (chi and gorilla/mux use net/http's). */
export type SignatureFramework = 'net/http' | 'gin' | 'echo' | 'fiber';

/** One handler under one route: a handler registered twice appears twice, an unregistered one once. */
export interface Handler {
  /** Absolute path of the file that declares the handler. */
  file: string;
  /** 1-based line of the `func` keyword. */
  line: number;
  /** 0-based UTF-16 column of the `func` keyword. */
  column: number;
  /**
   * As a reader names it: `handlePrimes`, `(*Server).handleSessions`, `status` for a function
   * literal bound to that name, the closure's symbol for an inline literal.
   */
  function: string;
  /**
   * The name Go gives the function in profiles (pprof), package path included when known:
   * `example.com/app/api.(*Server).routes.func1`. Focusing a flame graph needs this one.
   */
  symbol: string;
  /** The path the handler is served under, prefixes of groups and sub-routers included; null when unknown. */
  route: string | null;
  /** The HTTP method the registration restricts it to; null for any method or when unknown. */
  method: string | null;
  framework: Framework;
}

/** A handler as it is declared, before routes are attached. */
export interface HandlerDecl {
  /** Key within its package: `name`, `Recv.name`, or `lit:<file>:<offset>` for a function literal. */
  key: string;
  file: string;
  line: number;
  column: number;
  function: string;
  /** The symbol without its package path: `(*Server).routes.func1`. */
  localSymbol: string;
  signature: SignatureFramework;
  /** Methods only: the method's name (method values whose receiver type is unknown match on it). */
  methodName?: string;
  /** Function literals are handlers only when a registration refers to them. */
  needsRegistration: boolean;
}

/** What a registration's handler argument refers to. */
export type HandlerRef =
  /** A function, method (`Recv.name`) or literal (`lit:…`) of a package: null is the registering file's own. */
  | { pkg: string | null; key: string }
  /** A method value whose receiver's type the source does not show: matched by name, in these packages in order. */
  | { pkgs: Array<string | null>; methodName: string };

/**
 * Where a router comes from when the function that registers on it cannot see its prefix: a parameter of
 * a declared function (its callers hand the router in: `registerReports(api.Group("/reports"))`), or the
 * router a function makes and returns (its callers mount it: `r.Mount("/admin", adminRouter())`).
 */
export interface RouterOrigin {
  /** The function, keyed as its package's decls are: `registerReports`, `handlers.registerReports`. */
  fn: string;
  /** The parameter's index (receiver not counted), or `result` for the router the function returns. */
  slot: number | 'result';
}

/** One place that registers a handler under a route. */
export interface Registration {
  file: string;
  /** 1-based line of the registering call. */
  line: number;
  /** The path, relative to the prefixes of `origin`'s call sites when there is an origin. */
  route: string | null;
  method: string | null;
  /** The router's framework when the source shows it. */
  router: Framework | undefined;
  /** Candidates for the handler argument, best first: the first that names a handler wins. */
  targets: HandlerRef[];
  /** Set when the router comes from the function's callers: they add the prefix. */
  origin?: RouterOrigin;
}

/**
 * A call that gives a function's router its prefix: it hands a router to a parameter
 * (`h.registerReports(api.Group("/reports"))`, chi's `r.Route("/users", userRoutes)`) or mounts the
 * router a function returns (chi's `r.Mount("/admin", adminRouter())`, fiber's `app.Use("/x", subApp())`).
 */
export interface RouterSite {
  /** The function called: of the calling file's own package (null) or of the package with this import path. */
  pkg: string | null;
  fn: string;
  slot: RouterOrigin['slot'];
  /** The prefix the router handed in has, or the mount path joined to the mounting router's; undefined when computed at run time. */
  prefix: string | undefined;
  /** Set when the calling function's own router comes from its callers in turn. */
  origin?: RouterOrigin;
}

/** Everything one package contributes: its handler declarations and the registrations its files make. */
export interface PackageHandlers {
  dir: string;
  packageName: string;
  /** The package's import path when the module (go.mod) shows it; `main` for commands. */
  importPath: string | undefined;
  decls: HandlerDecl[];
  registrations: Registration[];
  sites: RouterSite[];
}
