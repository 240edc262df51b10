import path from 'node:path';
import type { SyntaxNode } from './parser';
import { channelName, isStopChannelCall, isStopSignalName } from './channels';
import { calleePath, descendantsOfType, expressionPath, field, fields, findByText, named, unparen } from './syntax';
import { EMPTY_SCOPE, HTTP_RESPONSE, TypeResolver, canonicalType, fileImports, stripPointer, type Imports, type PackageScope } from './types';

/** What one Go file declares that other files of its package (and other packages) need to know. */
export interface FileSummary {
  file: string;
  dir: string;
  packageName: string;
  imports: Imports;
  /** Struct type → field → canonical type (embedded fields under their type's name). */
  structs: Map<string, Map<string, string>>;
  /** Every type the file declares → its underlying type (`struct` for structs). */
  types: Map<string, string | undefined>;
  /** Package-level variables whose type the source shows. */
  vars: Map<string, string>;
  /** Functions (`Name`) and methods (`Recv.Name`). */
  funcs: Map<string, FuncSummary>;
  /**
   * Names of the channels the file closes (`close(s.done)` → done) or hands to signal.Notify: a
   * receive from one can end a wait.
   */
  stopChannels: Set<string>;
}

export interface FuncSummary {
  params: Array<{ name: string; type: string | undefined }>;
  results: Array<string | undefined>;
  /** Positions of parameters the function closes (`p.Close()` or `p.Body.Close()`, deferred or not). */
  closes: number[];
  /** Parameters the function hands on (returns, stores, sends, appends): its caller no longer owns them. */
  escapes: number[];
  /** Parameters handed to another function: a close there counts as a close here. */
  forwards: Array<{ callee: string[]; arg: number; param: number }>;
  /** Index of an `*http.Response` result, or -1. */
  responseResult: number;
  /** Index of a final `error` result, or -1. */
  errorResult: number;
  /** For a function with a response result: the calls whose result it returns as the response. */
  calls: string[][];
  /** A function that also returns the body on its own (`(*http.Response, io.ReadCloser, error)`): its callers close that. */
  returnsBody: boolean;
}

/** A workspace function that hands its caller an *http.Response from net/http. */
export interface ResponseSource {
  name: string;
  responseResult: number;
  errorResult: number;
}

/** Reads and summarizes a package directory that is not in the index yet (cross-package lookups). */
export type PackageLoader = (dir: string) => FileSummary[];
/** Maps an import path to the workspace directory that holds it (via go.mod), if it is in the workspace. */
export type ImportResolver = (fromDir: string, importPath: string) => string | undefined;

export function summarizeFile(file: string, root: SyntaxNode): FileSummary {
  const imports = fileImports(root);
  const summary = emptySummary(file, packageNameOf(root), imports);
  const source = root.text;
  const resolver = new TypeResolver(imports, EMPTY_SCOPE);
  for (const decl of named(root)) summarizeDeclaration(decl, source, imports, resolver, summary);
  return summary;
}

function stopChannelNames(root: SyntaxNode, source: string, names = new Set<string>()): Set<string> {
  for (const call of findByText(root, source, /\b(?:close|Notify)\s*\(/, 'call_expression', 3)) {
    const arg = named(field(call, 'arguments'))[0];
    if (!arg || !isStopChannelCall(call)) continue;
    const name = channelName(arg);
    if (name) names.add(name);
  }
  // A send in a function or method named as a stop (`Stop`, `Shutdown`, `StopBackgroundRunners`): the message
  // that tells the receiving loop to end (`f.cleanupChan <- false`, `b.in <- request{quit: true}`).
  const fnName = root.type === 'function_declaration' || root.type === 'method_declaration' ? field(root, 'name')?.text : undefined;
  if (fnName && isStopSignalName(fnName)) {
    for (const send of findByText(root, source, /<-/, 'send_statement', 1)) {
      const channel = field(send, 'channel');
      const name = channel ? channelName(channel) : null;
      if (name) names.add(name);
    }
  }
  return names;
}

/** The package clause's name, or '' when the file has none yet. */
export function packageNameOf(root: SyntaxNode): string {
  return named(named(root).find((n) => n.type === 'package_clause'))[0]?.text ?? '';
}

/**
 * The summary of a file nothing has asked about yet: its package name and imports are read from its first
 * lines, the rest is summarized (its file parsed) the first time a question needs it. The language of the
 * questions is names: a file whose text lacks a name declares nothing under it, so a question that names
 * something only opens the deferred files whose text has that name (mayMention). Linting a package parses
 * only the files some rule may report in and the files the others' questions open.
 */
export class DeferredSummary implements FileSummary {
  readonly dir: string;
  private full: FileSummary | undefined;

  constructor(
    readonly file: string,
    readonly packageName: string,
    readonly imports: Imports,
    private text: string | undefined,
    private summarize: (() => FileSummary) | undefined,
  ) {
    this.dir = path.dirname(file);
  }

  get summarized(): boolean {
    return this.full !== undefined;
  }

  /** The full summary, computed now if it was not yet. */
  resolve(): FileSummary {
    if (!this.full) {
      this.full = (this.summarize as () => FileSummary)();
      this.text = undefined;
      this.summarize = undefined;
    }
    return this.full;
  }

  /** False only when the file cannot declare `word` (an identifier): its text does not have it as a whole word. */
  mayMention(word: string): boolean {
    const text = this.text;
    if (text === undefined) return true;
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      if (!isIdentifierChar(text.charCodeAt(at - 1)) && !isIdentifierChar(text.charCodeAt(at + word.length))) return true;
    }
    return false;
  }

  get structs(): FileSummary['structs'] {
    return this.resolve().structs;
  }
  get types(): FileSummary['types'] {
    return this.resolve().types;
  }
  get vars(): FileSummary['vars'] {
    return this.resolve().vars;
  }
  get funcs(): FileSummary['funcs'] {
    return this.resolve().funcs;
  }
  get stopChannels(): FileSummary['stopChannels'] {
    return this.resolve().stopChannels;
  }
}

/** Letters, digits, `_`, and anything beyond ASCII (which Go's code has only in identifiers, strings and comments). */
function isIdentifierChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127;
}

/** Whether `s` may hold something named `word`: a summarized file always may; a deferred one when its text has the word. */
function mayMention(s: FileSummary, word: string): boolean {
  return !(s instanceof DeferredSummary) || s.mayMention(word);
}

/** The last segment of a function key (`Recv.Name` → Name): the name its file's text must have. */
function declaredName(funcKey: string): string {
  return funcKey.slice(funcKey.lastIndexOf('.') + 1);
}

export function emptySummary(file: string, packageName: string, imports: Imports): FileSummary {
  return { file, dir: path.dirname(file), packageName, imports, structs: new Map(), types: new Map(), vars: new Map(), funcs: new Map(), stopChannels: new Set() };
}

/**
 * What one top-level declaration adds to its file's summary (types, package variables, functions, stop
 * channels closed in it). It depends only on the declaration and the file's imports (`source` is the
 * file's text): the language server keeps each declaration's part while it is unchanged
 * (src/lint/incremental.ts) and summarizes only the ones edited.
 */
export function summarizeDeclaration(decl: SyntaxNode, source: string, imports: Imports, resolver: TypeResolver, summary: FileSummary): void {
  stopChannelNames(decl, source, summary.stopChannels);
  if (decl.type === 'type_declaration') {
    for (const spec of named(decl)) {
      const name = field(spec, 'name')?.text;
      if (!name) continue;
      const type = field(spec, 'type');
      summary.types.set(name, canonicalType(type, imports));
      if (type?.type === 'struct_type') summary.structs.set(name, structFields(type, imports));
    }
  } else if (decl.type === 'var_declaration') {
    for (const spec of descendantsOfType(decl, 'var_spec')) {
      const declared = canonicalType(field(spec, 'type'), imports);
      const names = fields(spec, 'name');
      const values = named(field(spec, 'value'));
      names.forEach((n, i) => {
        const value = values[i];
        const type = declared ?? (value && values.length === names.length ? resolver.typeOf(value)?.[0] : undefined);
        if (type !== undefined) summary.vars.set(n.text, type);
      });
    }
  } else if (decl.type === 'function_declaration' || decl.type === 'method_declaration') {
    const name = field(decl, 'name')?.text;
    if (!name) return;
    const recv = decl.type === 'method_declaration' ? receiverTypeName(decl) : undefined;
    summary.funcs.set(recv ? `${recv}.${name}` : name, summarizeFunc(decl, imports));
  }
}

function structFields(struct: SyntaxNode, imports: Imports): Map<string, string> {
  const result = new Map<string, string>();
  for (const decl of descendantsOfType(struct, 'field_declaration')) {
    if (decl.parent?.parent?.id !== struct.id) continue; // fields of nested anonymous structs are not ours
    const typeNode = field(decl, 'type');
    const type = canonicalType(typeNode, imports);
    if (type === undefined) continue;
    const names = fields(decl, 'name');
    if (names.length === 0) {
      // Embedded field: named after its type.
      const bare = stripPointer(type);
      result.set(bare.slice(bare.lastIndexOf('.') + 1), type);
    }
    for (const n of names) result.set(n.text, type);
  }
  return result;
}

/** `func (s *Server[T]) …` → Server. */
export function receiverTypeName(method: SyntaxNode): string | undefined {
  const param = named(field(method, 'receiver'))[0];
  let t = param ? field(param, 'type') : null;
  while (t && (t.type === 'pointer_type' || t.type === 'parenthesized_type')) t = named(t)[0] ?? null;
  if (t?.type === 'generic_type') t = field(t, 'type');
  return t?.text;
}

function summarizeFunc(fn: SyntaxNode, imports: Imports): FuncSummary {
  // Most functions matter to no rule: only look closely at signatures that mention a type a rule
  // follows (a closable parameter, a result the resolver needs). Keeps indexing a large tree cheap.
  const params: FuncSummary['params'] = [];
  const paramList = field(fn, 'parameters');
  if (paramList && CLOSABLE.test(paramList.text)) {
    for (const p of named(paramList)) {
      if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
      const type = canonicalType(field(p, 'type'), imports);
      const names = fields(p, 'name');
      if (names.length === 0) params.push({ name: '_', type });
      for (const n of names) params.push({ name: n.text, type });
    }
  }
  const results: FuncSummary['results'] = [];
  let errorResult = -1;
  const result = field(fn, 'result');
  if (result?.type === 'parameter_list') {
    for (const p of named(result)) {
      if (p.type !== 'parameter_declaration') continue;
      const typeNode = field(p, 'type');
      const type = typeNode && RESOLVED_RESULT.test(typeNode.text) ? canonicalType(typeNode, imports) : undefined;
      const count = Math.max(1, fields(p, 'name').length);
      for (let i = 0; i < count; i++) {
        errorResult = typeNode?.text === 'error' ? results.length : -1;
        results.push(type);
      }
    }
  } else if (result) {
    errorResult = -1;
    results.push(RESOLVED_RESULT.test(result.text) ? canonicalType(result, imports) : undefined);
  }
  const responseResult = results.indexOf(HTTP_RESPONSE);
  const closes: number[] = [];
  const escapes: number[] = [];
  const forwards: FuncSummary['forwards'] = [];
  const calls: string[][] = [];
  const body = field(fn, 'body');
  if (body && responseResult >= 0) calls.push(...responseOrigins(body, responseResult, results.length));
  // `(*http.Response, io.ReadCloser, error)`, or a helper that reads and closes the body before it returns the response.
  const returnsBody = !!result && /ReadCloser/.test(result.text);
  if (body && responseResult >= 0 && closesReturnedResponse(body, responseResult)) calls.length = 0;
  // Only parameters that can be closed matter; most functions have none, and their bodies are not walked.
  if (body && params.length > 0) {
    const byName = new Map(params.map((p, i) => [p.name, i] as const));
    for (const call of descendantsOfType(body, 'call_expression')) {
      const callee = calleePath(call);
      if (!callee) continue;
      const last = callee[callee.length - 1];
      if (last === 'Close' && (callee.length === 2 || (callee.length === 3 && callee[1] === 'Body'))) {
        const i = byName.get(callee[0] ?? '');
        if (i !== undefined && !closes.includes(i)) closes.push(i);
        continue;
      }
      named(field(call, 'arguments')).forEach((arg, argIndex) => {
        const argPath = expressionPath(arg);
        if (!argPath || argPath.length > 2 || (argPath.length === 2 && argPath[1] !== 'Body')) return;
        const i = byName.get(argPath[0] ?? '');
        if (i === undefined) return;
        if (callee.length === 1 && callee[0] === 'append') {
          if (!escapes.includes(i)) escapes.push(i);
        } else {
          forwards.push({ callee, arg: argIndex, param: i });
        }
      });
    }
    for (const id of descendantsOfType(body, 'identifier')) {
      const i = byName.get(id.text);
      if (i !== undefined && !escapes.includes(i) && isHandedOn(id)) escapes.push(i);
    }
  }
  return { params, results, closes, escapes, forwards, responseResult, errorResult, calls, returnsBody };
}

/** Whether the function closes the body of the response it returns (`defer resp.Body.Close()` … `return resp, b`). */
function closesReturnedResponse(body: SyntaxNode, responseResult: number): boolean {
  const returned = new Set<string>();
  for (const ret of descendantsOfType(body, 'return_statement')) {
    const value = named(named(ret)[0])[responseResult];
    if (value?.type === 'identifier') returned.add(value.text);
  }
  if (returned.size === 0) return false;
  return descendantsOfType(body, 'call_expression').some((call) => {
    const path = calleePath(call);
    return path?.length === 3 && path[1] === 'Body' && path[2] === 'Close' && returned.has(path[0] ?? '');
  });
}

/**
 * The calls whose result a function returns as its response: `return c.Do(req)`, or `resp, err :=
 * c.Do(req)` … `return resp, nil` (the variable returned, wherever it was assigned in the body).
 */
function responseOrigins(body: SyntaxNode, responseResult: number, resultCount: number): string[][] {
  const origins: string[][] = [];
  const returned = new Set<string>();
  const add = (expr: SyntaxNode | undefined) => {
    const e = expr ? unparen(expr) : undefined;
    if (e?.type === 'call_expression') {
      const path = calleePath(e);
      if (path && origins.length < 32) origins.push(path);
    } else if (e?.type === 'identifier') {
      returned.add(e.text);
    }
  };
  for (const ret of descendantsOfType(body, 'return_statement')) {
    const values = named(named(ret)[0]);
    // `return fetch(u)` hands on all the call's results; `return resp, nil` names the response.
    add(values.length === 1 && resultCount > 1 ? values[0] : values[responseResult]);
  }
  if (returned.size === 0) return origins;
  for (const assign of descendantsOfType(body, ['short_var_declaration', 'assignment_statement'])) {
    const left = named(field(assign, 'left'));
    const right = named(field(assign, 'right'));
    left.forEach((l, i) => {
      if (!returned.has(l.text)) return;
      add(right.length === left.length ? right[i] : right.length === 1 ? right[0] : undefined);
    });
  }
  return origins;
}

/**
 * Whether an identifier (or its `.Body`) is handed on where it stands: returned, stored in a
 * variable, field, map or slice element, placed in a composite literal, or sent on a channel.
 */
export function isHandedOn(id: SyntaxNode): boolean {
  let use: SyntaxNode = id;
  const sel = use.parent;
  if (sel?.type === 'selector_expression' && field(sel, 'operand')?.id === use.id) {
    if (field(sel, 'field')?.text !== 'Body') return false;
    use = sel;
  }
  // `(resp)`, `&resp`, `resp.Body.(io.WriteCloser)`: still the same value.
  while (
    use.parent?.type === 'parenthesized_expression' ||
    use.parent?.type === 'type_assertion_expression' ||
    (use.parent?.type === 'unary_expression' && use.parent.child(0)?.text === '&')
  ) {
    use = use.parent;
  }
  const p = use.parent;
  if (!p) return false;
  if (p.type === 'expression_list') {
    const holder = p.parent;
    if (holder?.type === 'return_statement' || holder?.type === 'var_spec') return true;
    if ((holder?.type === 'assignment_statement' || holder?.type === 'short_var_declaration') && field(holder, 'right')?.id === p.id) return true;
  }
  if (p.type === 'send_statement' && field(p, 'value')?.id === use.id) return true;
  return p.type === 'literal_element' || p.type === 'keyed_element' || p.type === 'literal_value';
}

/**
 * Names of the functions and methods a Go source declares with an `*http.Response` result (under any
 * import name), found in its text: `func (c *Client) Fetch(u string) (*http.Response, error) {`.
 */
export function responseFuncNamesIn(source: string): string[] {
  if (!source.includes('Response')) return [];
  const names: string[] = [];
  for (const m of source.matchAll(/^func\s*(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?\(([^{]{0,600})\{/gm)) {
    if (m[1] && /\*\s*(?:\w+\.)?Response\b/.test(m[2] ?? '')) names.push(m[1]);
  }
  return names;
}

/**
 * Packages whose functions read a body or a response without keeping or closing it (io.ReadAll,
 * json.NewDecoder, fmt.Println, bufio.NewScanner, testify's assertions…), by import path or prefix.
 */
const READ_ONLY_PACKAGES = ['io', 'io/ioutil', 'fmt', 'log', 'log/slog', 'bufio', 'bytes', 'strings', 'strconv', 'errors', 'testing', 'net/http/httputil', 'mime'];
const READ_ONLY_PREFIXES = ['encoding/', 'compress/', 'archive/', 'mime/', 'github.com/stretchr/testify/', 'gotest.tools/', 'github.com/google/go-cmp/'];

/** Logging and test-reporting methods, on any receiver (`t.Logf`, `logger.Debug`, `s.T().Errorf`). */
const READ_ONLY_METHODS = /^(Log|Logf|Error|Errorf|Fatal|Fatalf|Fatalln|Print|Printf|Println|Debug|Debugf|Debugw|Info|Infof|Infow|Warn|Warnf|Warnw|Warning|Warningf|Trace|Tracef)$/;

/**
 * Whether a call path written in a file with `imports` calls code that only reads what it is given:
 * a function of a read-only package (`io.ReadAll`, `json.NewDecoder`), or a logging or test-reporting method.
 */
export function readsOnly(imports: Imports, callee: string[]): boolean {
  const head = callee[0];
  if (!head) return false;
  const importPath = callee.length === 2 ? imports.get(head) : undefined;
  if (importPath !== undefined) return READ_ONLY_PACKAGES.includes(importPath) || READ_ONLY_PREFIXES.some((p) => importPath.startsWith(p));
  return callee.length >= 2 && READ_ONLY_METHODS.test(callee[callee.length - 1] ?? '');
}

/** net/http's package functions that fetch a response. */
const HTTP_FETCHES = new Set(['Get', 'Head', 'Post', 'PostForm']);
/** Client (and RoundTripper) methods that fetch one. */
const CLIENT_FETCHES = new Set(['Do', 'Get', 'Head', 'Post', 'PostForm', 'RoundTrip']);
/** Receivers whose Get is a lookup, not a fetch: `resp.Header.Get`, `r.URL.Query().Get`, `form.Get`. */
const LOOKUPS = new Set(['Header', 'Trailer', 'Query', 'Form', 'PostForm', 'Values', 'URL', 'Cookie', 'Params']);

/** `c.Do(req)`, `s.client.Get(u)`, `rt.RoundTrip(req)`, as a summary sees a call path (no types). */
function isClientFetch(call: string[]): boolean {
  const method = call[call.length - 1] ?? '';
  if (!CLIENT_FETCHES.has(method)) return false;
  return method !== 'Get' || !call.slice(0, -1).some((part) => LOOKUPS.has(part));
}

/** Parameter types a function could close (responses, bodies, closers, interfaces). */
const CLOSABLE = /Response|Closer|Body|\bany\b|interface/;
/** Result types the resolver follows (contexts, requests, responses, clients and local types). */
const RESOLVED_RESULT = /Context|Request|Response|Client|Recorder|Server|^\*?[A-Za-z_]\w*$/;

const key = (dir: string, pkg: string) => `${dir}\0${pkg}`;

/** A summary as text, to tell whether an edit changed what a file declares for the others (typing in a body does not). */
export function summaryFingerprint(summary: FileSummary | undefined): string {
  if (!summary) return '';
  const { packageName, imports, structs, types, vars, funcs, stopChannels } = summary;
  return JSON.stringify([packageName, [...imports], [...structs].map(([k, v]) => [k, [...v]]), [...types], [...vars], [...funcs], [...stopChannels]]);
}

/**
 * The workspace's packages as far as the lint needs them: updated file by file as files change,
 * merged per package (directory + package clause), loaded on demand for cross-package calls.
 */
export class PackageIndex {
  private readonly files = new Map<string, FileSummary>();
  private readonly packages = new Map<string, Map<string, FileSummary>>();
  /** Bumped by every put and remove, per file and in all: findings kept from an earlier lint name what they saw. */
  private readonly stamps = new Map<string, number>();
  private changes = 0;
  private readonly emptyDirs = new Set<string>();
  /** Files by directory, for imported packages. */
  private readonly byDir = new Map<string, Map<string, FileSummary>>();

  /** responseSourceNames by file, with the generation of the index they were found at. */
  private readonly sourceNames = new Map<string, { generation: number; names: Set<string> }>();

  /** Names of response-returning functions of imported packages that were only scanned, not parsed, by directory. */
  private readonly scannedNames = new Map<string, string[]>();

  constructor(
    private readonly loader?: PackageLoader,
    private readonly resolveImport?: ImportResolver,
    /** Reads a package's source text without parsing it (cheap): used to find which imports can matter. */
    private readonly readSources?: (dir: string) => Array<{ file: string; source: string }>,
  ) {}

  update(file: string, root: SyntaxNode): FileSummary {
    const summary = summarizeFile(file, root);
    this.put(summary);
    return summary;
  }

  put(summary: FileSummary): void {
    this.remove(summary.file);
    this.stamps.set(summary.file, ++this.changes);
    this.forgetScan(summary.dir);
    this.files.set(summary.file, summary);
    let dir = this.byDir.get(summary.dir);
    if (!dir) this.byDir.set(summary.dir, (dir = new Map()));
    dir.set(summary.file, summary);
    const k = key(summary.dir, summary.packageName);
    let pkg = this.packages.get(k);
    if (!pkg) this.packages.set(k, (pkg = new Map()));
    pkg.set(summary.file, summary);
  }

  remove(file: string): void {
    const old = this.files.get(file);
    if (!old) return;
    this.stamps.set(file, ++this.changes);
    this.files.delete(file);
    this.sourceNames.delete(file);
    this.byDir.get(old.dir)?.delete(file);
    this.packages.get(key(old.dir, old.packageName))?.delete(file);
    this.forgetScan(old.dir);
  }

  /** What was read of a directory's text without parsing it is stale once one of its files changes. */
  private forgetScan(dir: string): void {
    this.scannedNames.delete(dir);
    this.emptyDirs.delete(dir);
  }

  /**
   * The directories whose packages may see a change to the packages in `dirs`: those themselves, and every
   * indexed package that imports one of them, directly or through other workspace packages (a helper that
   * closes, a function that returns a response, may be reached through a chain of them).
   */
  dependentDirs(dirs: readonly string[]): Set<string> {
    const importers = new Map<string, Set<string>>();
    for (const s of this.files.values()) {
      for (const importPath of s.imports.values()) {
        const target = this.resolveImport?.(s.dir, importPath);
        if (target === undefined || target === s.dir) continue;
        let set = importers.get(target);
        if (!set) importers.set(target, (set = new Set()));
        set.add(s.dir);
      }
    }
    const found = new Set(dirs);
    const queue = [...dirs];
    for (let dir = queue.pop(); dir !== undefined; dir = queue.pop()) {
      for (const importer of importers.get(dir) ?? []) {
        if (found.has(importer)) continue;
        found.add(importer);
        queue.push(importer);
      }
    }
    return found;
  }

  /** Changes so far to any file of the index. */
  get generation(): number {
    return this.changes;
  }

  /** The change that last put or removed this file (0: never). */
  stampOf(file: string): number {
    return this.stamps.get(file) ?? 0;
  }

  summaryOf(file: string): FileSummary | undefined {
    return this.files.get(file);
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  get size(): number {
    return this.files.size;
  }

  /** Every file of the package `file` belongs to (itself included). */
  packageOf(file: string): FileSummary[] {
    const s = this.files.get(file);
    if (!s) return [];
    return [...(this.packages.get(key(s.dir, s.packageName))?.values() ?? [])];
  }

  /** The package-level view a TypeResolver needs for `file`. */
  scopeFor(file: string): PackageScope {
    const files = this.packageOf(file);
    // The first file of the package (in the order they were indexed) that declares the name answers.
    const first = <T>(name: string, get: (s: FileSummary) => T | undefined): T | undefined => {
      for (const s of files) {
        if (!mayMention(s, name)) continue;
        const v = get(s);
        if (v !== undefined) return v;
      }
      return undefined;
    };
    return {
      varType: (name) => first(name, (s) => s.vars.get(name)),
      fieldType: (structName, fieldName) => this.fieldType(files, structName, fieldName, 0),
      results: (k) => first(declaredName(k), (s) => s.funcs.get(k)?.results.map((r) => r ?? '?')),
      underlying: (name) => first(name, (s) => (s.types.has(name) ? s.types.get(name) ?? '?' : undefined)),
    };
  }

  private fieldType(files: FileSummary[], structName: string, fieldName: string, depth: number): string | undefined {
    if (depth > 4) return undefined;
    for (const s of files) {
      if (!mayMention(s, structName)) continue;
      const struct = s.structs.get(structName);
      if (!struct) continue;
      const direct = struct.get(fieldName);
      if (direct !== undefined) return direct;
      // Promoted fields of embedded structs of the same package.
      for (const [name, type] of struct) {
        if (stripPointer(type) === name) {
          const promoted = this.fieldType(files, name, fieldName, depth + 1);
          if (promoted !== undefined) return promoted;
        }
      }
    }
    return undefined;
  }

  /** Whether some file of `file`'s package closes a channel known by `name`, hands it to signal.Notify, or sends on it in a function named as a stop (`Shutdown`). */
  packageStops(file: string, name: string): boolean {
    return this.packageOf(file).some((s) => mayMention(s, name) && s.stopChannels.has(name));
  }

  /** A function or method of `file`'s package. */
  funcIn(file: string, funcKey: string): { summary: FuncSummary; file: FileSummary } | undefined {
    for (const s of this.packageOf(file)) {
      if (!mayMention(s, declaredName(funcKey))) continue;
      const f = s.funcs.get(funcKey);
      if (f) return { summary: f, file: s };
    }
    return undefined;
  }

  /** A function (`Name`) or method (`Type.Name`) of another workspace package, imported by `fromFile` under `importPath`. */
  funcInImport(fromFile: string, importPath: string, name: string): { summary: FuncSummary; file: FileSummary } | undefined {
    for (const s of this.importedPackage(fromFile, importPath)) {
      if (!mayMention(s, declaredName(name))) continue;
      const f = s.funcs.get(name);
      if (f) return { summary: f, file: s };
    }
    return undefined;
  }

  /**
   * The files of the workspace package `fromFile` imports under `importPath` (its _test package left
   * out), read from disk the first time it is asked for; empty when the path is not in the workspace.
   */
  importedPackage(fromFile: string, importPath: string): FileSummary[] {
    const dir = this.resolveImport?.(path.dirname(fromFile), importPath);
    if (!dir) return [];
    let files = this.byDir.get(dir);
    // Read from disk when nothing of it is known (never read, or its files were linted and dropped);
    // a directory with no Go files is read once.
    if (!files?.size && !this.emptyDirs.has(dir) && this.loader) {
      for (const s of this.loader(dir)) this.put(s);
      files = this.byDir.get(dir);
      if (!files?.size) this.emptyDirs.add(dir);
    }
    return [...(files?.values() ?? [])].filter((s) => !s.packageName.endsWith('_test') && !s.file.endsWith('_test.go'));
  }

  /**
   * The names under which `file` may call a response source: same-package functions and methods
   * (`get`, `fetch` of `c.fetch`) and functions and methods of the workspace packages it imports
   * (`Fetch` of `api.Fetch` or of `client.Fetch`). Only names of functions with an *http.Response result.
   */
  responseSourceNames(file: string): ReadonlySet<string> {
    // The language server asks on every edit: the answer stands while nothing in the index changed (a
    // directory's scanned names are forgotten only when one of its files is put or removed, which is a change).
    const cached = this.sourceNames.get(file);
    if (cached?.generation === this.changes) return cached.names;
    const names = new Set<string>();
    const addFrom = (s: FileSummary) => {
      // A response result is net/http's `*Response` under the name the file imports net/http as: a file that
      // does not import it has none (and a deferred one is not parsed to find that out).
      if (![...s.imports.values()].includes('net/http')) return;
      for (const [key, f] of s.funcs) if (f.responseResult >= 0) names.add(key.slice(key.lastIndexOf('.') + 1));
    };
    for (const s of this.packageOf(file)) addFrom(s);
    const own = this.files.get(file);
    for (const importPath of own?.imports.values() ?? []) {
      const dir = this.resolveImport?.(path.dirname(file), importPath);
      if (!dir) continue;
      const known = this.byDir.get(dir);
      if (known?.size) {
        for (const s of known.values()) if (!s.file.endsWith('_test.go')) addFrom(s);
        continue;
      }
      // Not parsed yet: its text tells which of its functions return a response; most packages have
      // none and are never parsed for this (a call to one that does parses it then).
      let scanned = this.scannedNames.get(dir);
      if (!scanned) this.scannedNames.set(dir, (scanned = this.readSources ? this.readSources(dir).flatMap((f) => responseFuncNamesIn(f.source)) : []));
      for (const name of scanned) names.add(name);
    }
    this.sourceNames.set(file, { generation: this.changes, names });
    return names;
  }

  /**
   * The response source `callee` (as written in `fromFile`) resolves to: a workspace function with an
   * *http.Response result whose body fetches it from net/http, directly or through another source.
   */
  responseSource(fromFile: string, resolver: TypeResolver, callee: string[], at: SyntaxNode): ResponseSource | undefined {
    const target = this.resolveCallee(fromFile, resolver, callee, at);
    if (!target || target.summary.responseResult < 0 || target.summary.returnsBody) return undefined;
    if (!this.fetches(target, new Set())) return undefined;
    return { name: callee.join('.'), responseResult: target.summary.responseResult, errorResult: target.summary.errorResult };
  }

  private fetches(target: { summary: FuncSummary; file: FileSummary }, seen: Set<FuncSummary>): boolean {
    if (seen.has(target.summary) || seen.size > 16) return false;
    seen.add(target.summary);
    const { file } = target;
    const resolver = new TypeResolver(file.imports, this.scopeFor(file.file));
    return target.summary.calls.some((call) => {
      const [head, name] = call;
      // net/http's own: http.Get(u), or a client's Do/Get/Head/Post/PostForm/RoundTrip.
      if (call.length === 2 && head && file.imports.get(head) === 'net/http') return HTTP_FETCHES.has(name ?? '');
      if (call.length >= 2 && isClientFetch(call)) return true;
      const inner = this.resolveFromSummary(file, resolver, call);
      return !!inner && inner.summary.responseResult >= 0 && this.fetches(inner, seen);
    });
  }

  /** Resolves a call path written in `file` without a syntax node (summaries keep no trees): functions and imports. */
  private resolveFromSummary(file: FileSummary, _resolver: TypeResolver, callee: string[]): { summary: FuncSummary; file: FileSummary } | undefined {
    const [head, second] = callee;
    if (callee.length === 1 && head) return this.funcIn(file.file, head);
    if (callee.length === 2 && head && second) {
      const importPath = file.imports.get(head);
      if (importPath !== undefined) return this.funcInImport(file.file, importPath, second);
    }
    return undefined;
  }

  /**
   * Whether calling `callee` (as written in `fromFile`) closes its argument at `argIndex`,
   * directly or by handing it to another function that does.
   */
  closesArgument(fromFile: string, resolver: TypeResolver, callee: string[], at: SyntaxNode, argIndex: number, seen = new Set<string>()): boolean {
    const target = this.resolveCallee(fromFile, resolver, callee, at);
    if (!target) return false;
    const id = `${target.file.file}#${callee.join('.')}#${argIndex}`;
    if (seen.has(id)) return false;
    seen.add(id);
    const { summary, file } = target;
    const param = Math.min(argIndex, summary.params.length - 1);
    if (param < 0) return false;
    if (summary.closes.includes(param) || summary.escapes.includes(param)) return true;
    const innerResolver = new TypeResolver(file.imports, this.scopeFor(file.file));
    return summary.forwards.some((f) => {
      if (f.param !== param) return false;
      // Handed to code outside the workspace that does more than read it: that code owns it now.
      if (!this.resolveFromSummary(file, innerResolver, f.callee) && f.callee.length <= 2 && !readsOnly(file.imports, f.callee)) return true;
      return this.closesArgument(file.file, innerResolver, f.callee, at, f.arg, seen);
    });
  }

  /** The workspace function or method a call path written in `fromFile` at `at` calls, if the source shows it. */
  resolveCallee(fromFile: string, resolver: TypeResolver, callee: string[], at: SyntaxNode): { summary: FuncSummary; file: FileSummary } | undefined {
    const [head, second] = callee;
    if (callee.length === 1 && head) return resolver.lookup(head, at) ? undefined : this.funcIn(fromFile, head);
    if (callee.length === 2 && head && second) {
      const importPath = resolver.importPathOf(head, at) ?? (resolver.lookup(head, at) ? undefined : resolver.imports.get(head));
      if (importPath !== undefined) return this.funcInImport(fromFile, importPath, second);
      const recvType = resolver.lookup(head, at)?.type;
      if (recvType !== undefined) return this.methodOf(fromFile, recvType, second);
    }
    if (callee.length > 2) {
      // x.field.Method(…): resolve the field chain's type.
      let type = resolver.lookup(head ?? '', at)?.type;
      for (const part of callee.slice(1, -1)) type = type === undefined ? undefined : resolver.fieldOf(type, part);
      const method = callee[callee.length - 1];
      if (type !== undefined && method) return this.methodOf(fromFile, type, method);
    }
    return undefined;
  }

  /** A method of a type of `fromFile`'s package (`Server`) or of a workspace package (`example.com/m/api.Client`). */
  private methodOf(fromFile: string, type: string, method: string): { summary: FuncSummary; file: FileSummary } | undefined {
    const bare = stripPointer(type);
    const dot = bare.lastIndexOf('.');
    if (dot < 0) return this.funcIn(fromFile, `${bare}.${method}`);
    return this.funcInImport(fromFile, bare.slice(0, dot), `${bare.slice(dot + 1)}.${method}`);
  }
}
