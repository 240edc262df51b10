import type { SyntaxNode } from '../go/parser';
import { field, fields, named, unparen } from '../go/syntax';
import type { TypeResolver } from '../go/types';

/**
 * What route discovery can see from one expression: the file's type resolver, and the package-level
 * constants and variables of every file of the package (a route prefix or a router is often declared
 * in another file than the one that registers on it).
 */
export interface FileScope {
  file: string;
  source: string;
  root: SyntaxNode;
  resolver: TypeResolver;
  /** Package-level `const`/`var` names → their initializer, with the scope of the file declaring it. */
  packageValues: Map<string, { value: SyntaxNode; scope: FileScope }>;
}

/** Records the package-level constants and variables a file declares with an initializer. */
export function collectPackageValues(scope: FileScope, into: Map<string, { value: SyntaxNode; scope: FileScope }>): void {
  for (const decl of named(scope.root)) {
    if (decl.type !== 'const_declaration' && decl.type !== 'var_declaration') continue;
    const specs = named(decl).flatMap((c) => (c.type === 'var_spec_list' ? named(c) : [c]));
    for (const spec of specs) {
      if (spec.type !== 'const_spec' && spec.type !== 'var_spec') continue;
      const values = named(field(spec, 'value'));
      fields(spec, 'name').forEach((name, i) => {
        const value = values[i];
        if (value && !into.has(name.text)) into.set(name.text, { value, scope });
      });
    }
  }
}

/**
 * The expression `name` stands for at `at`: the initializer of the local `:=`, `var` or `const` that
 * declares it, else of a package-level one. Undefined for parameters and anything not initialized
 * where it is declared.
 */
export function valueOf(name: string, at: SyntaxNode, scope: FileScope): { value: SyntaxNode; scope: FileScope } | undefined {
  const decl = scope.resolver.lookup(name, at);
  if (decl && decl.kind !== 'package') {
    const value = initializer(decl.node, name);
    return value ? { value, scope } : undefined;
  }
  const local = localConst(name, at);
  if (local) return { value: local, scope };
  return scope.packageValues.get(name);
}

function initializer(node: SyntaxNode, name: string): SyntaxNode | undefined {
  if (node.type === 'short_var_declaration') {
    const index = named(field(node, 'left')).findIndex((n) => n.text === name);
    const right = named(field(node, 'right'));
    return right.length === named(field(node, 'left')).length ? right[index] : undefined;
  }
  if (node.type === 'var_spec' || node.type === 'const_spec') {
    const index = fields(node, 'name').findIndex((n) => n.text === name);
    return named(field(node, 'value'))[index];
  }
  return undefined;
}

/** A `const name = …` declared in an enclosing block before `at` (the type resolver does not track consts). */
function localConst(name: string, at: SyntaxNode): SyntaxNode | undefined {
  let child = at;
  for (let block = at.parent; block; child = block, block = block.parent) {
    if (block.type !== 'statement_list') continue;
    for (const stmt of named(block)) {
      if (stmt.startIndex >= child.startIndex) break;
      if (stmt.type !== 'const_declaration') continue;
      for (const spec of named(stmt)) {
        if (spec.type !== 'const_spec') continue;
        const value = initializer(spec, name);
        if (value) return value;
      }
    }
  }
  return undefined;
}

/**
 * The string an expression evaluates to, as far as the source shows it: literals, `+`, and names of
 * constants and variables initialized with those. Undefined otherwise (a route built at run time).
 */
export function stringValue(expr: SyntaxNode, scope: FileScope, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const e = unparen(expr);
  switch (e.type) {
    case 'interpreted_string_literal':
      return decodeInterpreted(e.text);
    case 'raw_string_literal':
      return e.text.slice(1, -1).replace(/\r/g, '');
    case 'binary_expression': {
      if (e.childForFieldName('operator')?.text !== '+') return undefined;
      const left = field(e, 'left');
      const right = field(e, 'right');
      if (!left || !right) return undefined;
      const l = stringValue(left, scope, depth + 1);
      const r = l === undefined ? undefined : stringValue(right, scope, depth + 1);
      return l === undefined || r === undefined ? undefined : l + r;
    }
    case 'identifier': {
      const found = valueOf(e.text, e, scope);
      return found ? stringValue(found.value, found.scope, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}

function decodeInterpreted(text: string): string {
  try {
    const decoded: unknown = JSON.parse(text);
    if (typeof decoded === 'string') return decoded;
  } catch {
    // Go escapes JSON lacks (\x41, \a, octal): routes rarely use them; keep the text between the quotes.
  }
  return text.slice(1, -1);
}
