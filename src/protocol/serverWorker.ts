/**
 * The language server's main thread ⇄ its analysis worker (dist/serverWorker.js, src/server/worker.ts).
 * The main thread keeps the LSP connection and never parses; the worker holds the open documents (kept in
 * step by the document events, in order), the package index, the parsed trees and handler discovery.
 */
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { Finding, LintOptions } from '../lint/types';
import type { HandlersResult, TestsOfFileResult } from './lsp';
import { request, type SideSpec } from './rpc';
import { trusted } from './shape';

export interface OpenedDocument {
  uri: string;
  /** The file path the analyzer knows it by (the URI when it is not a file:). */
  file: string;
  version: number;
  text: string;
}

export interface ChangedDocument {
  uri: string;
  version: number;
  changes: TextDocumentContentChangeEvent[];
}

export interface LintReply {
  /** The document version the findings are for (the latest the worker had when it linted). */
  version: number;
  findings: Finding[];
  /** Rules that threw on this document, with why (their findings are missing). */
  ruleErrors: string[];
  /** Set when the document could not be linted at all. */
  error?: string;
  /**
   * What the document declares for other files (its package index summary) changed with this lint: files
   * of its package and of packages importing it may report differently now.
   */
  summaryChanged: boolean;
  /** How the time went, in ms: for the debug log and the typing benchmark. */
  timing: { parseMs: number; analyzeMs: number; incremental: boolean; declarations: number; reanalyzed: number };
}

/** What the worker answers. Events are applied in the order they are sent, before any later request. */
export const analysisWorker = {
  requests: {
    /** Handlers a file declares (an open document as it is in the editor). */
    handlers: request(trusted<{ file: string }>(), trusted<HandlersResult>()),
    /** Tests a `_test.go` file declares (an open document as it is in the editor, else the file on disk). */
    testsOf: request(trusted<{ uri: string; file: string }>(), trusted<TestsOfFileResult>()),
    /** Lints an open document as it is now. */
    lint: request(trusted<{ uri: string; options: LintOptions }>(), trusted<LintReply | null>()),
    /** Directories whose open documents may lint differently once the packages in `dirs` changed: those, and their importers. */
    dependentDirs: request(trusted<{ dirs: string[] }>(), trusted<string[]>()),
    /** Indexes the Go files of workspace folders (in slices: documents are linted meanwhile); resolves to the number of files. */
    indexFolders: request(trusted<{ folders: string[] }>(), trusted<number>()),
  },
  events: {
    documentOpened: trusted<OpenedDocument>(),
    documentChanged: trusted<ChangedDocument>(),
    documentClosed: trusted<{ uri: string }>(),
    /** Files created, changed or deleted on disk (watched files). */
    filesChanged: trusted<{ changed: string[]; deleted: string[] }>(),
    folderRemoved: trusted<{ folder: string }>(),
  },
} satisfies SideSpec;

/** What the main thread answers: events only. */
export const analysisHost = {
  requests: {},
  events: {
    /** Handler discovery read more packages (or saw files change): code lenses may have new routes. */
    handlersChanged: trusted<Record<string, never>>(),
    log: trusted<{ level: 'info' | 'error' | 'debug'; message: string }>(),
  },
} satisfies SideSpec;
