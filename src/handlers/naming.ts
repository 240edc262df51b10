import { receiverTypeName } from '../go/packageIndex';
import type { SyntaxNode } from '../go/parser';
import { field, isFunction, named } from '../go/syntax';

/**
 * Names of functions as Go's runtime (and so pprof) spells them, without the package path:
 * `handlePrimes`, `(*Server).handleSessions`, `Server.ServeHTTP`, and closures numbered in source
 * order inside the function that contains them: `(*Server).routes.func1`, `main.func2.1`.
 */

/** `handlePrimes`, or `(*Server).handleX` / `Server.handleX` for a method. */
export function declaredFunctionName(decl: SyntaxNode): string | undefined {
  const name = field(decl, 'name')?.text;
  if (!name) return undefined;
  if (decl.type !== 'method_declaration') return name;
  const receiver = receiverSpelling(decl);
  return receiver ? `${receiver}.${name}` : name;
}

/** A declared function's key within its package, as HandlerDecl keys are: `name`, or `Recv.name` for a method. */
export function functionKey(decl: SyntaxNode): string | undefined {
  const name = field(decl, 'name')?.text;
  if (!name || (decl.type !== 'function_declaration' && decl.type !== 'method_declaration')) return undefined;
  const recv = decl.type === 'method_declaration' ? receiverTypeName(decl) : undefined;
  return recv ? `${recv}.${name}` : name;
}

/** `(*Server)` for a pointer receiver, `Server` for a value receiver, type parameters as `[...]`. */
function receiverSpelling(method: SyntaxNode): string | undefined {
  const param = named(field(method, 'receiver')).find((p) => p.type === 'parameter_declaration');
  let type = param ? field(param, 'type') : null;
  let pointer = false;
  while (type && (type.type === 'pointer_type' || type.type === 'parenthesized_type')) {
    if (type.type === 'pointer_type') pointer = true;
    type = named(type)[0] ?? null;
  }
  if (!type) return undefined;
  let name = type.text;
  if (type.type === 'generic_type') name = `${field(type, 'type')?.text ?? ''}[...]`;
  return pointer ? `(*${name})` : name;
}

/**
 * The closure's symbol: the enclosing declaration's name, then `.funcN` for the N-th literal directly
 * inside it (source order, nested literals not counted), then `.M` per level of nesting. Literals in
 * package-level initializers count under `init`, as Go 1.22 and later name them (`glob.` before).
 * `packageLiterals` lists the package-level literals of the whole package in file order.
 */
/** Direct literals by function node id, for the closures of one file (ids are unique within a tree). */
export type LiteralCache = Map<number, SyntaxNode[]>;

export function closureSymbol(literal: SyntaxNode, packageLiterals: readonly SyntaxNode[], cache?: LiteralCache): string {
  const chain: SyntaxNode[] = [];
  let outer: SyntaxNode | null = null;
  for (let n: SyntaxNode | null = literal; n; n = n.parent) {
    if (n.type === 'func_literal') chain.unshift(n);
    else if (n.type === 'function_declaration' || n.type === 'method_declaration') {
      outer = n;
      break;
    }
  }
  const parts: string[] = [];
  const [first, ...nested] = chain;
  if (!first) return '';
  if (outer) {
    parts.push(declaredFunctionName(outer) ?? 'func', `func${indexAmong(first, directLiterals(outer, cache))}`);
  } else {
    parts.push('init', `func${indexAmong(first, packageLiterals)}`);
  }
  let parent = first;
  for (const lit of nested) {
    parts.push(String(indexAmong(lit, directLiterals(parent, cache))));
    parent = lit;
  }
  return parts.join('.');
}

/** 1-based position of `lit` in `list` (compared by node id). */
function indexAmong(lit: SyntaxNode, list: readonly SyntaxNode[]): number {
  return list.findIndex((l) => l.id === lit.id) + 1;
}

/** Function literals whose nearest enclosing function is `fn`, in source order. */
export function directLiterals(fn: SyntaxNode, cache?: LiteralCache): SyntaxNode[] {
  const cached = cache?.get(fn.id);
  if (cached) return cached;
  const body = field(fn, 'body');
  // One query for every literal below, then keep those with no function in between: much cheaper
  // than visiting every node of a long function body from JavaScript.
  const found = body
    ? body.descendantsOfType('func_literal').filter((lit): lit is SyntaxNode => {
        if (!lit) return false;
        for (let n = lit.parent; n; n = n.parent) {
          if (n.id === fn.id) return true;
          if (isFunction(n)) return false;
        }
        return false;
      })
    : [];
  cache?.set(fn.id, found);
  return found;
}

/** Function literals of package-level declarations (not inside any function), in source order. */
export function packageLevelLiterals(root: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  // An explicit stack, not recursion: a declaration nested 50,000 parentheses deep must not overflow it.
  const stack = named(root)
    .filter((decl) => decl.type === 'var_declaration' || decl.type === 'const_declaration')
    .reverse();
  while (stack.length > 0) {
    const node = stack.pop() as SyntaxNode;
    // A literal is taken whole: the literals inside it are not package-level.
    if (node.type === 'func_literal') {
      found.push(node);
      continue;
    }
    const children = named(node);
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i] as SyntaxNode;
      if (child.type !== 'function_declaration' && child.type !== 'method_declaration') stack.push(child);
    }
  }
  return found;
}

/** The name a function literal is bound to: `name := func…`, `var name = func…`, `name = func…`. */
export function boundName(literal: SyntaxNode): string | undefined {
  const list = literal.parent;
  if (list?.type !== 'expression_list') return undefined;
  const owner = list.parent;
  if (!owner) return undefined;
  const index = named(list).findIndex((n) => n.id === literal.id);
  if (owner.type === 'short_var_declaration' || owner.type === 'assignment_statement') {
    if (field(owner, 'right')?.id !== list.id) return undefined;
    const target = named(field(owner, 'left'))[index];
    return target?.type === 'identifier' ? target.text : undefined;
  }
  if (owner.type === 'var_spec') {
    return owner.childrenForFieldName('name').filter((n): n is SyntaxNode => n !== null)[index]?.text;
  }
  return undefined;
}
