import type { SyntaxNode } from './parser';
import { field, fields, named, unparen } from './syntax';

/**
 * Types as far as the source shows them, written canonically: package-qualified names use the
 * import path (`*net/http.Client`, `context.Context`) whatever alias the file imports it under;
 * types of the file's own package stay bare (`Server`). Unknown is `undefined`, never a guess.
 */

/** Local package name → import path. Blank and dot imports are left out. */
export type Imports = Map<string, string>;

export function fileImports(root: SyntaxNode): Imports {
  // Imports are top-level declarations: no need to walk the whole tree.
  return importsOf(named(root).filter((d) => d.type === 'import_declaration'));
}

/** The imports of these import declarations, by the name the file refers to each package with. */
export function importsOf(declarations: readonly SyntaxNode[]): Imports {
  const imports: Imports = new Map();
  const specs = declarations
    .flatMap((d) => named(d).flatMap((c) => (c.type === 'import_spec_list' ? named(c) : [c])))
    .filter((c) => c.type === 'import_spec');
  for (const spec of specs) {
    const pathNode = field(spec, 'path');
    if (!pathNode) continue;
    const importPath = pathNode.text.replace(/^["`]|["`]$/g, '');
    const alias = field(spec, 'name');
    if (alias) {
      if (alias.type === 'blank_identifier' || alias.type === 'dot') continue;
      imports.set(alias.text, importPath);
    } else {
      imports.set(defaultPackageName(importPath), importPath);
    }
  }
  return imports;
}

/** The name a package is referred to by when imported without an alias (`math/rand/v2` → rand). */
export function defaultPackageName(importPath: string): string {
  const parts = importPath.split('/');
  let last = parts[parts.length - 1] ?? importPath;
  if (/^v[0-9]+$/.test(last) && parts.length > 1) last = parts[parts.length - 2] ?? last;
  return last.replace(/^go-/, '').replace(/\.v[0-9]+$/, '').replace(/[.-]/g, '_');
}

export function canonicalType(node: SyntaxNode | null, imports: Imports): string | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'type_identifier':
    case 'identifier':
      return node.text;
    case 'qualified_type': {
      const pkg = field(node, 'package')?.text;
      const name = field(node, 'name')?.text;
      if (!pkg || !name) return undefined;
      return `${imports.get(pkg) ?? pkg}.${name}`;
    }
    case 'pointer_type': {
      const inner = canonicalType(named(node)[0] ?? null, imports);
      return inner === undefined ? undefined : `*${inner}`;
    }
    case 'parenthesized_type':
      return canonicalType(named(node)[0] ?? null, imports);
    case 'generic_type':
      return canonicalType(field(node, 'type'), imports);
    case 'slice_type': {
      const elem = canonicalType(field(node, 'element'), imports);
      return elem === undefined ? undefined : `[]${elem}`;
    }
    case 'array_type': {
      const elem = canonicalType(field(node, 'element'), imports);
      return elem === undefined ? undefined : `[${field(node, 'length')?.text ?? ''}]${elem}`;
    }
    case 'map_type': {
      const key = canonicalType(field(node, 'key'), imports);
      const value = canonicalType(field(node, 'value'), imports);
      return key === undefined || value === undefined ? undefined : `map[${key}]${value}`;
    }
    case 'channel_type': {
      const elem = canonicalType(field(node, 'value'), imports);
      const prefix = node.text.startsWith('<-') ? '<-chan ' : /^chan\s*<-/.test(node.text) ? 'chan<- ' : 'chan ';
      return elem === undefined ? undefined : `${prefix}${elem}`;
    }
    case 'function_type':
      return 'func';
    case 'interface_type':
      return node.text.replace(/\s+/g, '') === 'interface{}' ? 'interface{}' : 'interface';
    case 'struct_type':
      return 'struct';
    default:
      return undefined;
  }
}

export function stripPointer(type: string): string {
  return type.startsWith('*') ? type.slice(1) : type;
}

export const CONTEXT = 'context.Context';
export const HTTP_RESPONSE = '*net/http.Response';
export const HTTP_REQUEST = '*net/http.Request';
export const HTTP_CLIENT = '*net/http.Client';

/** Results of well-known functions, by `importPath.Name`. */
const KNOWN_FUNCS: Record<string, string[]> = {
  'context.Background': [CONTEXT],
  'context.TODO': [CONTEXT],
  'context.WithCancel': [CONTEXT, 'context.CancelFunc'],
  'context.WithCancelCause': [CONTEXT, 'context.CancelCauseFunc'],
  'context.WithTimeout': [CONTEXT, 'context.CancelFunc'],
  'context.WithTimeoutCause': [CONTEXT, 'context.CancelFunc'],
  'context.WithDeadline': [CONTEXT, 'context.CancelFunc'],
  'context.WithDeadlineCause': [CONTEXT, 'context.CancelFunc'],
  'context.WithValue': [CONTEXT],
  'context.WithoutCancel': [CONTEXT],
  'os/signal.NotifyContext': [CONTEXT, 'context.CancelFunc'],
  'golang.org/x/sync/errgroup.WithContext': ['*golang.org/x/sync/errgroup.Group', CONTEXT],
  'net/http.Get': [HTTP_RESPONSE, 'error'],
  'net/http.Head': [HTTP_RESPONSE, 'error'],
  'net/http.Post': [HTTP_RESPONSE, 'error'],
  'net/http.PostForm': [HTTP_RESPONSE, 'error'],
  'net/http.NewRequest': [HTTP_REQUEST, 'error'],
  'net/http.NewRequestWithContext': [HTTP_REQUEST, 'error'],
  'net/http.ReadResponse': [HTTP_RESPONSE, 'error'],
  'net/http/httptest.NewRequest': [HTTP_REQUEST],
  'net/http/httptest.NewRecorder': ['*net/http/httptest.ResponseRecorder'],
  'net/http/httptest.NewServer': ['*net/http/httptest.Server'],
};

/** Package-level variables of well-known packages. */
const KNOWN_VARS: Record<string, string> = {
  'net/http.DefaultClient': HTTP_CLIENT,
};

/** Results of well-known methods, by `receiverType.Method` (receiver without `*`). */
const KNOWN_METHODS: Record<string, string[]> = {
  'net/http.Client.Do': [HTTP_RESPONSE, 'error'],
  'net/http.Client.Get': [HTTP_RESPONSE, 'error'],
  'net/http.Client.Head': [HTTP_RESPONSE, 'error'],
  'net/http.Client.Post': [HTTP_RESPONSE, 'error'],
  'net/http.Client.PostForm': [HTTP_RESPONSE, 'error'],
  'net/http.Request.Context': [CONTEXT],
  'net/http.Request.WithContext': [HTTP_REQUEST],
  'net/http/httptest.ResponseRecorder.Result': [HTTP_RESPONSE],
  'net/http/httptest.Server.Client': [HTTP_CLIENT],
  'context.Context.Done': ['<-chan struct{}'],
  'context.Context.Err': ['error'],
  'testing.T.Context': [CONTEXT],
  'testing.B.Context': [CONTEXT],
};

/** Struct fields of well-known types. */
const KNOWN_FIELDS: Record<string, string> = {
  'net/http.Response.Body': 'io.ReadCloser',
  'net/http.Request.Body': 'io.ReadCloser',
};

export function knownFunctionResults(qualified: string): string[] | undefined {
  return KNOWN_FUNCS[qualified];
}

export function knownPackageVar(qualified: string): string | undefined {
  return KNOWN_VARS[qualified];
}

export function knownMethodResults(receiverType: string, method: string): string[] | undefined {
  return KNOWN_METHODS[`${stripPointer(receiverType)}.${method}`];
}

export function knownField(structType: string, fieldName: string): string | undefined {
  return KNOWN_FIELDS[`${stripPointer(structType)}.${fieldName}`];
}

/** What the package index can tell a resolver about the file's own package. */
export interface PackageScope {
  /** Type of a package-level variable. */
  varType(name: string): string | undefined;
  /** Type of a field (or embedded field) of a struct type declared in the package. */
  fieldType(structName: string, fieldName: string): string | undefined;
  /** Result types of a package function (`Name`) or method (`Recv.Name`). */
  results(key: string): string[] | undefined;
  /** The underlying type of a type declared in the package (`struct` for structs, `?` when not shown). */
  underlying(name: string): string | undefined;
}

export const EMPTY_SCOPE: PackageScope = {
  varType: () => undefined,
  fieldType: () => undefined,
  results: () => undefined,
  underlying: () => undefined,
};

/** A declaration found in scope. `type` is undefined when the source does not show it. */
export interface Declaration {
  name: string;
  type: string | undefined;
  node: SyntaxNode;
  kind: 'param' | 'receiver' | 'result' | 'var' | 'package';
  /** The function whose parameters or body declare it (null at package level). */
  owner: SyntaxNode | null;
}

/**
 * Resolves names and expression types within one file: lexical scopes (parameters, receivers,
 * `:=`, `var`, range and case bindings, captures from enclosing functions), then the package.
 */
export class TypeResolver {
  constructor(
    readonly imports: Imports,
    readonly pkg: PackageScope,
  ) {}

  /** The canonical type a type expression denotes in this file. */
  typeOfTypeNode(node: SyntaxNode): string | undefined {
    return canonicalType(node, this.imports);
  }

  /** The declaration of `name` visible at `at`, innermost first. */
  lookup(name: string, at: SyntaxNode): Declaration | undefined {
    let child: SyntaxNode = at;
    for (let scope = at.parent; scope; child = scope, scope = scope.parent) {
      const found = this.declaredIn(scope, child, name);
      if (found) return found;
    }
    const type = this.pkg.varType(name);
    if (type !== undefined) return { name, type, node: at, kind: 'package', owner: null };
    return undefined;
  }

  /** Whether `name` refers to an imported package at `at` (not shadowed by a local). */
  importPathOf(name: string, at: SyntaxNode): string | undefined {
    const path = this.imports.get(name);
    if (path === undefined) return undefined;
    return this.lookup(name, at) ? undefined : path;
  }

  private declaredIn(scope: SyntaxNode, child: SyntaxNode, name: string): Declaration | undefined {
    switch (scope.type) {
      case 'statement_list': {
        let found: Declaration | undefined;
        for (const stmt of named(scope)) {
          if (stmt.startIndex >= child.startIndex) break;
          const d = this.declaredBy(stmt, name, scope);
          if (!d) continue;
          // `ctx, span := tracer.Start(ctx, …)`: a := of several names reuses the ones already declared in
          // the same block (or among the parameters, in a function's body), with their type (the Go spec's
          // redeclaration), whatever the call returns as far as the source shows.
          const earlier = d.type === undefined && isRedeclaring(stmt) ? (found ?? this.parameterOfBody(scope, name)) : undefined;
          found = earlier?.type !== undefined ? { ...d, type: earlier.type } : d;
        }
        return found;
      }
      case 'if_statement':
      case 'for_statement':
      case 'expression_switch_statement':
      case 'type_switch_statement': {
        const init = field(scope, 'initializer');
        if (init && init.id !== child.id) {
          const d = this.declaredBy(init, name, scope);
          if (d) return d;
        }
        if (scope.type === 'for_statement') {
          const range = named(scope).find((c) => c.type === 'range_clause');
          if (range && range.id !== child.id && named(field(range, 'left')).some((n) => n.text === name)) {
            return { name, type: undefined, node: range, kind: 'var', owner: null };
          }
          const clause = named(scope).find((c) => c.type === 'for_clause');
          const forInit = clause ? field(clause, 'initializer') : null;
          if (forInit && forInit.id !== child.id) {
            const d = this.declaredBy(forInit, name, scope);
            if (d) return d;
          }
        }
        if (scope.type === 'type_switch_statement') {
          const alias = fields(scope, 'alias');
          if (alias.some((a) => a.text === name)) return { name, type: undefined, node: scope, kind: 'var', owner: null };
        }
        return undefined;
      }
      case 'communication_case': {
        const comm = field(scope, 'communication');
        if (comm?.type === 'receive_statement' && comm.id !== child.id && named(field(comm, 'left')).some((n) => n.text === name)) {
          return { name, type: undefined, node: comm, kind: 'var', owner: null };
        }
        return undefined;
      }
      case 'function_declaration':
      case 'method_declaration':
      case 'func_literal':
        return this.declaredBySignature(scope, name);
      default:
        return undefined;
    }
  }

  /** The parameter (or receiver, or named result) `name` when `list` is the body of a function. */
  private parameterOfBody(list: SyntaxNode, name: string): Declaration | undefined {
    const fn = list.parent?.type === 'block' ? list.parent.parent : null;
    return fn && (fn.type === 'function_declaration' || fn.type === 'method_declaration' || fn.type === 'func_literal') ? this.declaredBySignature(fn, name) : undefined;
  }

  private declaredBySignature(fn: SyntaxNode, name: string): Declaration | undefined {
    const lists: Array<[SyntaxNode | null, Declaration['kind']]> = [
      [field(fn, 'receiver'), 'receiver'],
      [field(fn, 'parameters'), 'param'],
      [field(fn, 'result'), 'result'],
    ];
    for (const [list, kind] of lists) {
      if (!list || list.type !== 'parameter_list') continue;
      for (const param of named(list)) {
        if (param.type !== 'parameter_declaration' && param.type !== 'variadic_parameter_declaration') continue;
        if (fields(param, 'name').some((n) => n.text === name)) {
          let type = canonicalType(field(param, 'type'), this.imports);
          if (param.type === 'variadic_parameter_declaration' && type !== undefined) type = `[]${type}`;
          return { name, type, node: param, kind, owner: fn };
        }
      }
    }
    return undefined;
  }

  /** A declaration of `name` made by one statement (`:=`, `var`). */
  private declaredBy(stmt: SyntaxNode, name: string, owner: SyntaxNode): Declaration | undefined {
    if (stmt.type === 'short_var_declaration') {
      const left = named(field(stmt, 'left'));
      const index = left.findIndex((n) => n.text === name);
      if (index < 0) return undefined;
      return { name, type: this.typeOfAssigned(named(field(stmt, 'right')), index, left.length), node: stmt, kind: 'var', owner };
    }
    if (stmt.type === 'var_declaration') {
      for (const spec of descendantsOf(stmt, 'var_spec')) {
        const names = fields(spec, 'name');
        const index = names.findIndex((n) => n.text === name);
        if (index < 0) continue;
        const declared = canonicalType(field(spec, 'type'), this.imports);
        const type = declared ?? this.typeOfAssigned(named(field(spec, 'value')), index, names.length);
        return { name, type, node: spec, kind: 'var', owner };
      }
    }
    if (stmt.type === 'labeled_statement') return undefined;
    return undefined;
  }

  private typeOfAssigned(right: SyntaxNode[], index: number, count: number): string | undefined {
    if (right.length === count) {
      const expr = right[index];
      return expr ? this.typeOf(expr)?.[0] : undefined;
    }
    if (right.length === 1 && right[0]) return this.typeOf(right[0])?.[index];
    return undefined;
  }

  /** The type(s) of an expression: a tuple for calls with several results. */
  typeOf(expr: SyntaxNode): string[] | undefined {
    const e = unparen(expr);
    switch (e.type) {
      case 'identifier': {
        const d = this.lookup(e.text, e);
        return d?.type === undefined ? undefined : [d.type];
      }
      case 'selector_expression':
        return this.typeOfSelector(e);
      case 'call_expression':
        return this.typeOfCall(e);
      case 'unary_expression': {
        const operand = field(e, 'operand');
        const op = e.child(0)?.text;
        if (!operand) return undefined;
        const inner = this.typeOf(operand)?.[0];
        if (inner === undefined) return undefined;
        if (op === '&') return [`*${inner}`];
        if (op === '<-') {
          const m = /^(?:<-)?chan(?:<-)? (.*)$/.exec(inner);
          return m?.[1] ? [m[1]] : undefined;
        }
        return undefined;
      }
      case 'composite_literal': {
        const t = canonicalType(field(e, 'type'), this.imports);
        return t === undefined ? undefined : [t];
      }
      case 'type_assertion_expression': {
        const t = canonicalType(field(e, 'type'), this.imports);
        return t === undefined ? undefined : [t];
      }
      case 'func_literal':
        return ['func'];
      case 'interpreted_string_literal':
      case 'raw_string_literal':
        return ['string'];
      default:
        return undefined;
    }
  }

  private typeOfSelector(e: SyntaxNode): string[] | undefined {
    const operand = field(e, 'operand');
    const name = field(e, 'field')?.text;
    if (!operand || !name) return undefined;
    if (operand.type === 'identifier') {
      const path = this.importPathOf(operand.text, operand);
      if (path !== undefined) {
        const known = knownPackageVar(`${path}.${name}`);
        return known === undefined ? undefined : [known];
      }
    }
    const base = this.typeOf(operand)?.[0];
    if (base === undefined) return undefined;
    const t = this.fieldOf(base, name);
    return t === undefined ? undefined : [t];
  }

  /** The type of `base.name` for a field, via the package's struct declarations or known types. */
  fieldOf(base: string, name: string): string | undefined {
    const bare = stripPointer(base);
    return this.pkg.fieldType(bare, name) ?? knownField(bare, name);
  }

  private typeOfCall(call: SyntaxNode): string[] | undefined {
    const fn = field(call, 'function');
    if (!fn) return undefined;
    if (fn.type === 'identifier') {
      if (fn.text === 'new') {
        const arg = named(field(call, 'arguments'))[0];
        const t = canonicalType(arg ?? null, this.imports);
        return t === undefined ? undefined : [`*${t}`];
      }
      if (fn.text === 'make') {
        const arg = named(field(call, 'arguments'))[0];
        const t = canonicalType(arg ?? null, this.imports);
        return t === undefined ? undefined : [t];
      }
      if (this.lookup(fn.text, fn)) return undefined;
      return this.pkg.results(fn.text);
    }
    if (fn.type === 'selector_expression') {
      const operand = field(fn, 'operand');
      const name = field(fn, 'field')?.text;
      if (!operand || !name) return undefined;
      if (operand.type === 'identifier') {
        const path = this.importPathOf(operand.text, operand);
        if (path !== undefined) return knownFunctionResults(`${path}.${name}`);
      }
      const recv = this.typeOf(operand)?.[0];
      if (recv === undefined) return undefined;
      return knownMethodResults(recv, name) ?? this.pkg.results(`${stripPointer(recv)}.${name}`);
    }
    if (fn.type === 'parenthesized_type' || fn.type === 'qualified_type') {
      const t = canonicalType(fn, this.imports);
      return t === undefined ? undefined : [t];
    }
    return undefined;
  }
}

function descendantsOf(node: SyntaxNode, type: string): SyntaxNode[] {
  return node.descendantsOfType(type).filter((n): n is SyntaxNode => n !== null);
}

/**
 * The zero value of a canonical type. `spelled` is the type as the source writes it (kept in the
 * output so aliases and import names stay the user's own).
 */
export function zeroValue(type: string | undefined, pkg: PackageScope, spelled: string, depth = 0): string {
  if (type === undefined || depth > 4) return `*new(${spelled})`;
  if (/^(u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128)|byte|rune)$/.test(type)) return '0';
  if (type === 'string') return '""';
  if (type === 'bool') return 'false';
  if (/^(\*|\[\]|map\[|chan |<-chan |chan<- |func)/.test(type) || type === 'error' || type.startsWith('interface') || type === 'any') {
    return 'nil';
  }
  if (type.startsWith('[') || type === 'struct') return `${spelled}{}`;
  const underlying = pkg.underlying(type);
  if (underlying !== undefined && underlying !== '?') return zeroValue(underlying, pkg, spelled, depth + 1);
  // A type of another package, or one whose kind the source does not show: *new(T) is its zero value either way.
  return `*new(${spelled})`;
}

/** A `:=` of several names: it may redeclare (reuse) some of them. */
function isRedeclaring(stmt: SyntaxNode): boolean {
  return stmt.type === 'short_var_declaration' && named(field(stmt, 'left')).length > 1;
}
