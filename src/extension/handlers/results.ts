/**
 * The last profiling result of each handler, shown on its lens line ("CPU 23% · 1.2 MB/s allocated")
 * until the window closes. Keyed by where the handler is and which route was loaded.
 */
import * as vscode from 'vscode';

export interface HandlerResult {
  /** The lens text. */
  summary: string;
  /** Hover text: the capture's details and hottest callees. */
  details: string;
}

export class HandlerResults implements vscode.Disposable {
  private readonly results = new Map<string, HandlerResult>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;

  static key(file: string, line: number, route: string | null): string {
    return `${file}\0${line}\0${route ?? ''}`;
  }

  get(file: string, line: number, route: string | null): HandlerResult | undefined {
    return this.results.get(HandlerResults.key(file, line, route));
  }

  set(file: string, line: number, route: string | null, result: HandlerResult): void {
    this.results.set(HandlerResults.key(file, line, route), result);
    this.changeEmitter.fire();
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
