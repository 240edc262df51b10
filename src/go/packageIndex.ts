import path from 'node:path';
import type { SyntaxNode } from './parser';
import { channelName, isStopChannelCall } from './channels';
import { calleePath, descendantsOfType, expressionPath, field, fields, findByText, named } from './syntax';
import { EMPTY_SCOPE, TypeResolver, canonicalType, fileImports, stripPointer, type Imports, type PackageScope } from './types';

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
  /** Parameters handed to another function: a close there counts as a close here. */
  forwards: Array<{ callee: string[]; arg: number; param: number }>;
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
  return names;
}

/** The package clause's name, or '' when the file has none yet. */
export function packageNameOf(root: SyntaxNode): string {
  return named(named(root).find((n) => n.type === 'package_clause'))[0]?.text ?? '';
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
  const result = field(fn, 'result');
  if (result?.type === 'parameter_list') {
    for (const p of named(result)) {
      if (p.type !== 'parameter_declaration') continue;
      const typeNode = field(p, 'type');
      const type = typeNode && RESOLVED_RESULT.test(typeNode.text) ? canonicalType(typeNode, imports) : undefined;
      const count = Math.max(1, fields(p, 'name').length);
      for (let i = 0; i < count; i++) results.push(type);
    }
  } else if (result) {
    results.push(RESOLVED_RESULT.test(result.text) ? canonicalType(result, imports) : undefined);
  }
  const closes: number[] = [];
  const forwards: FuncSummary['forwards'] = [];
  const body = field(fn, 'body');
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
        if (i !== undefined) forwards.push({ callee, arg: argIndex, param: i });
      });
    }
  }
  return { params, results, closes, forwards };
}

/** Parameter types a function could close (responses, bodies, closers, interfaces). */
const CLOSABLE = /Response|Closer|Body|\bany\b|interface/;
/** Result types the resolver follows (contexts, requests, responses, clients and local types). */
const RESOLVED_RESULT = /Context|Request|Response|Client|Recorder|Server|^\*?[A-Za-z_]\w*$/;

const key = (dir: string, pkg: string) => `${dir}\0${pkg}`;

/**
 * The workspace's packages as far as the lint needs them: updated file by file as files change,
 * merged per package (directory + package clause), loaded on demand for cross-package calls.
 */
export class PackageIndex {
  private readonly files = new Map<string, FileSummary>();
  private readonly packages = new Map<string, Map<string, FileSummary>>();
  private readonly loadedDirs = new Set<string>();
  /** Bumped by every put and remove, per file and in all: findings kept from an earlier lint name what they saw. */
  private readonly stamps = new Map<string, number>();
  private changes = 0;

  constructor(
    private readonly loader?: PackageLoader,
    private readonly resolveImport?: ImportResolver,
  ) {}

  update(file: string, root: SyntaxNode): FileSummary {
    const summary = summarizeFile(file, root);
    this.put(summary);
    return summary;
  }

  put(summary: FileSummary): void {
    this.remove(summary.file);
    this.stamps.set(summary.file, ++this.changes);
    this.files.set(summary.file, summary);
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
    this.packages.get(key(old.dir, old.packageName))?.delete(file);
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
    const first = <T>(get: (s: FileSummary) => T | undefined): T | undefined => {
      for (const s of files) {
        const v = get(s);
        if (v !== undefined) return v;
      }
      return undefined;
    };
    return {
      varType: (name) => first((s) => s.vars.get(name)),
      fieldType: (structName, fieldName) => this.fieldType(files, structName, fieldName, 0),
      results: (k) => first((s) => s.funcs.get(k)?.results.map((r) => r ?? '?')),
      underlying: (name) => first((s) => (s.types.has(name) ? s.types.get(name) ?? '?' : undefined)),
    };
  }

  private fieldType(files: FileSummary[], structName: string, fieldName: string, depth: number): string | undefined {
    if (depth > 4) return undefined;
    for (const s of files) {
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

  /** Whether some file of `file`'s package closes (or hands to signal.Notify) a channel known by `name`. */
  packageStops(file: string, name: string): boolean {
    return this.packageOf(file).some((s) => s.stopChannels.has(name));
  }

  /** A function or method of `file`'s package. */
  funcIn(file: string, funcKey: string): { summary: FuncSummary; file: FileSummary } | undefined {
    for (const s of this.packageOf(file)) {
      const f = s.funcs.get(funcKey);
      if (f) return { summary: f, file: s };
    }
    return undefined;
  }

  /** A function of another workspace package, imported by `fromFile` under `importPath`. */
  funcInImport(fromFile: string, importPath: string, name: string): { summary: FuncSummary; file: FileSummary } | undefined {
    const dir = this.resolveImport?.(path.dirname(fromFile), importPath);
    if (!dir) return undefined;
    if (!this.loadedDirs.has(dir)) {
      this.loadedDirs.add(dir);
      const known = [...this.files.values()].some((s) => s.dir === dir);
      if (!known && this.loader) for (const s of this.loader(dir)) this.put(s);
    }
    for (const s of this.files.values()) {
      if (s.dir !== dir || s.packageName.endsWith('_test')) continue;
      const f = s.funcs.get(name);
      if (f) return { summary: f, file: s };
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
    if (summary.closes.includes(param)) return true;
    const innerResolver = new TypeResolver(file.imports, this.scopeFor(file.file));
    return summary.forwards.some(
      (f) => f.param === param && this.closesArgument(file.file, innerResolver, f.callee, at, f.arg, seen),
    );
  }

  private resolveCallee(fromFile: string, resolver: TypeResolver, callee: string[], at: SyntaxNode): { summary: FuncSummary; file: FileSummary } | undefined {
    const [head, second] = callee;
    if (callee.length === 1 && head) return this.funcIn(fromFile, head);
    if (callee.length === 2 && head && second) {
      const importPath = resolver.importPathOf(head, at) ?? (resolver.lookup(head, at) ? undefined : resolver.imports.get(head));
      if (importPath !== undefined) return this.funcInImport(fromFile, importPath, second);
      const recvType = resolver.lookup(head, at)?.type;
      if (recvType !== undefined) return this.funcIn(fromFile, `${stripPointer(recvType)}.${second}`);
    }
    if (callee.length > 2) {
      // x.field.Method(…): resolve the field chain's type.
      let type = resolver.lookup(head ?? '', at)?.type;
      for (const part of callee.slice(1, -1)) type = type === undefined ? undefined : resolver.fieldOf(type, part);
      const method = callee[callee.length - 1];
      if (type !== undefined && method) return this.funcIn(fromFile, `${stripPointer(type)}.${method}`);
    }
    return undefined;
  }
}
