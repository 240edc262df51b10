/**
 * The open documents as the analysis worker keeps them: the text of each, kept in step with the editor by
 * applying the LSP content changes the main thread forwards, in order, and its syntax tree, told of each
 * change as it comes (Tree.edit) so the next lint parses only what changed (src/lint/incremental.ts).
 */
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { GoParser } from '../go/parser';
import type { PackageIndex } from '../go/packageIndex';
import { IncrementalDocument } from '../lint/incremental';
import type { ChangedDocument, OpenedDocument } from '../protocol/serverWorker';

export interface OpenDocument {
  uri: string;
  file: string;
  document: TextDocument;
  analysis: IncrementalDocument;
}

/**
 * Syntax trees kept at once: a tree takes many times its text's size in the WebAssembly heap, so only the
 * documents linted last keep theirs (the others are parsed whole when next linted, their findings kept).
 */
const MAX_TREES = 16;

export class OpenDocuments {
  private readonly byUri = new Map<string, OpenDocument>();
  private readonly files = new Set<string>();
  /** Documents holding a tree, least recently linted first. */
  private readonly withTree = new Set<string>();

  constructor(private readonly analysisFor: (file: string) => IncrementalDocument) {}

  /** `incremental` false: every lint parses and analyzes the whole document (the typing benchmark's anchor). */
  static forIndex(parser: GoParser, index: PackageIndex, incremental = true): OpenDocuments {
    return new OpenDocuments((file) => new IncrementalDocument(file, parser, index, undefined, !incremental));
  }

  open(d: OpenedDocument): void {
    this.close(d.uri);
    this.byUri.set(d.uri, { uri: d.uri, file: d.file, document: TextDocument.create(d.uri, 'go', d.version, d.text), analysis: this.analysisFor(d.file) });
    this.files.add(d.file);
  }

  change(d: ChangedDocument): void {
    const entry = this.byUri.get(d.uri);
    if (!entry) return;
    const { document, analysis } = entry;
    for (const change of d.changes) {
      if (!('range' in change)) {
        TextDocument.update(document, [change], d.version);
        analysis.replaced();
        continue;
      }
      // Offsets and points before the change, then where the inserted text ends after it.
      const startIndex = document.offsetAt(change.range.start);
      const oldEndIndex = Math.max(startIndex, document.offsetAt(change.range.end));
      const startPosition = point(document.positionAt(startIndex));
      const oldEndPosition = point(document.positionAt(oldEndIndex));
      TextDocument.update(document, [change], d.version);
      const newEndIndex = startIndex + change.text.length;
      analysis.edit({ startIndex, oldEndIndex, newEndIndex, startPosition, oldEndPosition, newEndPosition: point(document.positionAt(newEndIndex)) });
    }
  }

  /** The document was just linted (it holds a tree now): the least recently linted ones beyond MAX_TREES let theirs go. */
  linted(uri: string): void {
    this.withTree.delete(uri);
    this.withTree.add(uri);
    for (const oldest of this.withTree) {
      if (this.withTree.size <= MAX_TREES) break;
      this.withTree.delete(oldest);
      this.byUri.get(oldest)?.analysis.releaseTree();
    }
  }

  close(uri: string): { file: string } | undefined {
    const entry = this.byUri.get(uri);
    if (!entry) return undefined;
    this.byUri.delete(uri);
    this.withTree.delete(uri);
    this.files.delete(entry.file);
    entry.analysis.dispose();
    return { file: entry.file };
  }

  get(uri: string): OpenDocument | undefined {
    return this.byUri.get(uri);
  }

  hasFile(file: string): boolean {
    return this.files.has(file);
  }

  /** The text of the open documents in a directory, by file: what handler discovery must see instead of the disk. */
  sourcesIn(dir: string): Map<string, string> {
    const sources = new Map<string, string>();
    for (const { file, document } of this.byUri.values()) if (path.dirname(file) === dir) sources.set(file, document.getText());
    return sources;
  }
}

function point(p: { line: number; character: number }): { row: number; column: number } {
  return { row: p.line, column: p.character };
}
