/**
 * The stored leak watches as the extension shows them (Services view, "Open Leak Watch…"): the goroutines
 * worker's listing (src/leaks/watchStore.ts reads the workspace storage there, not on this thread), kept
 * here and read again when a watch starts, stores a snapshot, stops or is deleted.
 */
import * as vscode from 'vscode';
import type { GoroutinesWorker } from '../../goroutines/analyzeInWorker';
import type { GoroutinesWorkerResults, WatchStoreLocation } from '../../protocol/goroutinesWorker';
import type { LeakWatchSource } from '../services/servicesTree';

export type StoredWatchListing = GoroutinesWorkerResults['watchList'];

const NOTHING_YET: StoredWatchListing = { watches: [], unreadable: [], running: [] };

export class StoredWatches implements LeakWatchSource, vscode.Disposable {
  private listing: StoredWatchListing | undefined;
  private reading: Promise<StoredWatchListing> | undefined;
  private readAgain = false;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly worker: GoroutinesWorker,
    readonly location: WatchStoreLocation,
    private readonly log: (line: string) => void,
  ) {}

  /** What was read last; the first call starts reading (onDidChange fires when it is done). */
  current(): StoredWatchListing {
    if (this.listing === undefined && this.reading === undefined) void this.refresh();
    return this.listing ?? NOTHING_YET;
  }

  /** Reads the listing again; calls while a read is under way are answered by one more read after it. */
  refresh(): Promise<StoredWatchListing> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        try {
          this.listing = await this.worker.watchList({ store: this.location });
        } catch (err) {
          this.log(`stored leak watches: ${err instanceof Error ? err.message : String(err)}`);
          this.listing ??= NOTHING_YET;
        }
      } while (this.readAgain);
      this.reading = undefined;
      this.changeEmitter.fire();
      return this.listing;
    })();
    return this.reading;
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
