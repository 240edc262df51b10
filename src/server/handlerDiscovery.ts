/**
 * Handler discovery as the language server's worker runs it: the handlers of one file at once (its
 * package parsed, the unsaved text of open documents used), while the packages of its module that import
 * it — the only ones that can register its handlers elsewhere — are read in the background in short
 * slices, so a lint or another request waits at most one slice behind them. `onChanged` fires when the
 * background reading is done or files changed on disk: routes shown so far may have changed.
 */
import type { HandlersResult } from '../protocol/lsp';
import type { HandlerScanner, SourceOverrides } from '../handlers/scanner';

/** Background reading runs in slices this long. */
const SLICE_MS = 25;

export class HandlerDiscovery {
  private scheduled = false;

  constructor(
    private readonly scanner: HandlerScanner,
    private readonly onChanged: () => void,
  ) {}

  handlersOf(file: string, overrides: SourceOverrides): HandlersResult {
    const { handlers, pending } = this.scanner.handlersOf(file, overrides);
    if (pending > 0) this.schedule();
    return { handlers, pending };
  }

  /** Files changed, were created or deleted on disk. */
  invalidate(files: readonly string[]): void {
    this.scanner.invalidate(files);
    this.onChanged();
  }

  dispose(): void {
    this.scanner.dispose();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets queued requests in before the next slice.
    setImmediate(() => {
      this.scheduled = false;
      if (this.scanner.runPending(SLICE_MS)) this.schedule();
      else this.onChanged();
    });
  }
}
