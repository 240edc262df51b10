import path from 'node:path';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

export type { Edit as SyntaxEdit, Node as SyntaxNode, Tree as SyntaxTree } from 'web-tree-sitter';

/** Parses Go source with tree-sitter-go (WebAssembly: no Go tool chain, no native module). */
export interface GoParser {
  /** `previous`: the tree of the text before, already told of the edits (Tree.edit): only what changed is parsed again. */
  parse(source: string, previous?: Tree): Tree;
}

const loaded = new Map<string, Promise<Language>>();

/**
 * Loads the tree-sitter runtime and the Go grammar from `wasmDir`, which holds
 * tree-sitter.wasm and tree-sitter-go.wasm (dist/ in a build, the .vsix and the CLI).
 */
export async function loadGoParser(wasmDir: string): Promise<GoParser> {
  let language = loaded.get(wasmDir);
  if (!language) {
    language = (async () => {
      await Parser.init({ locateFile: (name: string) => path.join(wasmDir, name) });
      return Language.load(path.join(wasmDir, 'tree-sitter-go.wasm'));
    })();
    loaded.set(wasmDir, language);
  }
  const go = await language;
  const parser = new Parser();
  parser.setLanguage(go);
  return {
    parse(source: string, previous?: Tree): Tree {
      const tree = parser.parse(source, previous);
      if (!tree) throw new Error('tree-sitter returned no tree');
      return tree;
    },
  };
}

export function nodeRange(node: Node): { start: { line: number; character: number }; end: { line: number; character: number } } {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}
