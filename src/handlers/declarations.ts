import type { SyntaxNode } from '../go/parser';
import { receiverTypeName } from '../go/packageIndex';
import { field, findByText, named } from '../go/syntax';
import type { Imports } from '../go/types';
import type { HandlerDecl } from './model';
import { boundName, closureSymbol, declaredFunctionName, functionKey, type LiteralCache } from './naming';
import { literalKey } from './registrations';
import { dotImports, handlerSignature } from './signature';

/**
 * The functions of one file that have a handler signature: declared functions and methods (handlers
 * whether or not a registration is found) and function literals (handlers only once a registration
 * refers to them, inline or through the name they are bound to).
 */
export function findHandlerDecls(file: string, source: string, root: SyntaxNode, imports: Imports, packageLiterals: readonly SyntaxNode[], importPath?: string): HandlerDecl[] {
  const unqualified = [...(importPath === undefined ? [] : [importPath]), ...dotImports(root)];
  const decls: HandlerDecl[] = [];
  for (const decl of named(root)) {
    if (decl.type !== 'function_declaration' && decl.type !== 'method_declaration') continue;
    const signature = handlerSignature(decl, imports, unqualified);
    const name = field(decl, 'name')?.text;
    const fn = declaredFunctionName(decl);
    if (!signature || !name || !fn) continue;
    const recv = decl.type === 'method_declaration' ? receiverTypeName(decl) : undefined;
    decls.push({
      key: functionKey(decl) ?? name,
      file,
      line: decl.startPosition.row + 1,
      column: decl.startPosition.column,
      function: fn,
      localSymbol: fn,
      signature,
      ...(recv ? { methodName: name } : {}),
      needsRegistration: false,
    });
  }
  const cache: LiteralCache = new Map();
  for (const literal of findByText(root, source, /\bfunc\s*\(/, 'func_literal', 1)) {
    const signature = handlerSignature(literal, imports, unqualified);
    if (!signature) continue;
    const symbol = closureSymbol(literal, packageLiterals, cache);
    decls.push({
      key: literalKey(file, literal),
      file,
      line: literal.startPosition.row + 1,
      column: literal.startPosition.column,
      function: boundName(literal) ?? symbol,
      localSymbol: symbol,
      signature,
      needsRegistration: true,
    });
  }
  return decls;
}
