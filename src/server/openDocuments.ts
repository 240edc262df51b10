/**
 * The open documents as the analysis worker keeps them: the text of each, kept in step with the editor by
 * applying the LSP content changes the main thread forwards, in order.
 */
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ChangedDocument, OpenedDocument } from '../protocol/serverWorker';

export interface OpenDocument {
  uri: string;
  file: string;
  version: number;
  text(): string;
}

export class OpenDocuments {
  private readonly byUri = new Map<string, { file: string; document: TextDocument }>();
  private readonly files = new Set<string>();

  open(d: OpenedDocument): void {
    this.byUri.set(d.uri, { file: d.file, document: TextDocument.create(d.uri, 'go', d.version, d.text) });
    this.files.add(d.file);
  }

  change(d: ChangedDocument): void {
    const entry = this.byUri.get(d.uri);
    if (!entry) return;
    entry.document = TextDocument.update(entry.document, d.changes, d.version);
  }

  close(uri: string): { file: string } | undefined {
    const entry = this.byUri.get(uri);
    if (!entry) return undefined;
    this.byUri.delete(uri);
    this.files.delete(entry.file);
    return { file: entry.file };
  }

  get(uri: string): OpenDocument | undefined {
    const entry = this.byUri.get(uri);
    if (!entry) return undefined;
    const { document } = entry;
    return { uri, file: entry.file, version: document.version, text: () => document.getText() };
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
