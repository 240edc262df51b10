import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GoAnalyzer } from '../lint/analyzer';
import { walkGoFiles } from '../lint/goFiles';

export interface IndexLog {
  info(message: string): void;
  error(message: string): void;
}

/** Time one indexing slice may hold the event loop before yielding to pending requests. */
const SLICE_MS = 15;

/**
 * Keeps the analyzer's package index in step with the .go files on disk: indexes workspace folders
 * in the background, in slices separated by setImmediate so LSP requests are answered meanwhile,
 * and applies watched-file events. Open documents are left to the linter: their buffer, not the
 * disk, is what the index must reflect.
 */
export class WorkspaceIndex {
  /** Files indexed from disk (not open documents), to forget them when their folder goes. */
  private readonly fromDisk = new Set<string>();
  /** Workspace folders indexed so far. */
  private folders: string[] = [];

  constructor(
    private readonly analyzer: GoAnalyzer,
    private readonly isOpen: (file: string) => boolean,
    private readonly log: IndexLog,
  ) {}

  /** Indexes every .go file under the folders; resolves when done. Never rejects. */
  async indexFolders(folders: readonly string[]): Promise<number> {
    const started = performance.now();
    this.folders = [...new Set([...this.folders, ...folders])];
    let files: string[] = [];
    for (const folder of folders) {
      try {
        files = files.concat(walkGoFiles(folder));
      } catch (err) {
        this.log.error(`goroscope: cannot read workspace folder ${folder}: ${describe(err)}`);
      }
    }
    let next = 0;
    while (next < files.length) {
      const sliceEnd = performance.now() + SLICE_MS;
      while (next < files.length && performance.now() < sliceEnd) this.indexFromDisk(files[next++] as string);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.log.info(`goroscope: indexed ${files.length} Go files in ${Math.round(performance.now() - started)} ms`);
    return files.length;
  }

  /** A watched file was created or changed on disk. */
  fileChanged(file: string): void {
    if (!this.isOpen(file)) this.indexFromDisk(file);
  }

  fileDeleted(file: string): void {
    this.fromDisk.delete(file);
    this.analyzer.removeFile(file);
  }

  /** A workspace folder was removed: forget what was indexed under it. */
  forgetFolder(folder: string): void {
    this.folders = this.folders.filter((f) => f !== folder);
    for (const file of [...this.fromDisk]) {
      if (isUnder(file, folder) && !this.isOpen(file)) this.fileDeleted(file);
    }
  }

  /**
   * An open document was closed: inside the workspace the disk copy is what counts again; a file
   * from elsewhere (a dependency, GOROOT) is forgotten so the index does not grow with every file opened.
   */
  documentClosed(file: string): void {
    if (this.folders.some((folder) => isUnder(file, folder))) this.indexFromDisk(file);
    else this.analyzer.removeFile(file);
  }

  private indexFromDisk(file: string): void {
    if (this.isOpen(file)) return;
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      // Gone or unreadable (deleted between the event and now): nothing to know about it.
      this.fileDeleted(file);
      return;
    }
    try {
      this.analyzer.indexFile(file, source);
      this.fromDisk.add(file);
    } catch (err) {
      this.log.error(`goroscope: cannot index ${file}: ${describe(err)}`);
    }
  }
}

function isUnder(file: string, folder: string): boolean {
  return file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
