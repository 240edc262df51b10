/**
 * The open documents on the server's main thread: only their versions and URIs. Their text lives in the
 * analysis worker, which gets every open, change (the LSP incremental changes, as sent) and close in
 * order, so this thread never copies or splices a document, however large or however often it changes.
 */
import { readFileSync } from 'node:fs';
import type { Connection } from 'vscode-languageserver/node';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { analysisHost, analysisWorker } from '../protocol/serverWorker';
import type { WorkerChannel } from '../protocol/workerThread';
import { filePathOf } from './documentPaths';

export interface DocumentEvents {
  opened(uri: string): void;
  changed(uri: string): void;
  saved(uri: string): void;
  closed(uri: string): void;
}

interface Tracked {
  version: number;
  file: string;
  /**
   * The text as opened and the changes since, for a worker started again after a crash; undefined after
   * more than MAX_REPLAY_CHANGES changes (the replay then takes the file as last saved on disk).
   */
  opened: string | undefined;
  changes: TextDocumentContentChangeEvent[];
}

/** Changes kept for a replay. */
const MAX_REPLAY_CHANGES = 10_000;

export class DocumentSync {
  private readonly documents = new Map<string, Tracked>();

  constructor(
    private readonly connection: Connection,
    private readonly worker: WorkerChannel<typeof analysisHost, typeof analysisWorker>,
    private readonly events: DocumentEvents,
  ) {}

  listen(): void {
    this.connection.onDidOpenTextDocument(({ textDocument: d }) => {
      const file = filePathOf(d.uri);
      this.documents.set(d.uri, { version: d.version, file, opened: d.text, changes: [] });
      this.worker.notify('documentOpened', { uri: d.uri, file, version: d.version, text: d.text });
      this.events.opened(d.uri);
    });
    this.connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
      const tracked = this.documents.get(textDocument.uri);
      if (!tracked) return;
      tracked.version = textDocument.version;
      this.remember(tracked, contentChanges);
      this.worker.notify('documentChanged', { uri: textDocument.uri, version: textDocument.version, changes: contentChanges });
      this.events.changed(textDocument.uri);
    });
    this.connection.onDidSaveTextDocument(({ textDocument }) => {
      if (this.documents.has(textDocument.uri)) this.events.saved(textDocument.uri);
    });
    this.connection.onDidCloseTextDocument(({ textDocument }) => {
      if (!this.documents.delete(textDocument.uri)) return;
      this.worker.notify('documentClosed', { uri: textDocument.uri });
      this.events.closed(textDocument.uri);
    });
  }

  version(uri: string): number | undefined {
    return this.documents.get(uri)?.version;
  }

  uris(): string[] {
    return [...this.documents.keys()];
  }

  /** The URI of the open document of this file path, if one is open. */
  uriOfFile(file: string): string | undefined {
    for (const [uri, tracked] of this.documents) if (tracked.file === file) return uri;
    return undefined;
  }

  /**
   * Gives a worker started again every open document as it is now, or (after very many changes) as it was
   * last saved, until the next full text.
   */
  replay(): void {
    for (const [uri, tracked] of this.documents) {
      let text = tracked.opened;
      if (text === undefined) {
        try {
          text = readFileSync(tracked.file, 'utf8');
        } catch {
          continue;
        }
      }
      this.worker.notify('documentOpened', { uri, file: tracked.file, version: tracked.version, text });
      if (tracked.opened !== undefined && tracked.changes.length > 0) this.worker.notify('documentChanged', { uri, version: tracked.version, changes: tracked.changes });
    }
  }

  private remember(tracked: Tracked, changes: TextDocumentContentChangeEvent[]): void {
    let whole = -1;
    changes.forEach((c, i) => {
      if (!('range' in c)) whole = i;
    });
    if (whole >= 0) {
      tracked.opened = (changes[whole] as TextDocumentContentChangeEvent).text;
      tracked.changes = changes.slice(whole + 1);
    } else if (tracked.opened !== undefined) {
      tracked.changes.push(...changes);
      if (tracked.changes.length > MAX_REPLAY_CHANGES) {
        tracked.opened = undefined;
        tracked.changes = [];
      }
    }
  }
}
