import type { SyntaxNode } from '../../go/parser';
import type { PackageIndex } from '../../go/packageIndex';
import type { TypeResolver } from '../../go/types';
import type { Finding, RuleId } from '../types';

/** Everything a rule sees: the parsed file, its package index and a type resolver for the file. */
export interface RuleContext {
  file: string;
  source: string;
  root: SyntaxNode;
  index: PackageIndex;
  resolver: TypeResolver;
}

/** A lint rule: a pure function over a parsed file and its package index. */
export interface Rule {
  id: RuleId;
  check(ctx: RuleContext): Finding[];
}
