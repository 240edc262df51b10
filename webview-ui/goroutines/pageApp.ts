/**
 * What the Goroutines and leak-watch pages share: the request that fetches the first view, a line for
 * notes and errors, and "Open source" through the host. Each page has its own channel
 * (src/protocol/goroutinesPage.ts, watchPage.ts); both hosts answer `ready` and `openSource`.
 */
import type { Done } from '../../src/protocol/webview';
import { el } from './dom';

/** The two requests every such page makes, bound to its channel. */
export interface PageRequests<View> {
  ready(): Promise<View>;
  openSource(params: { function: string; file: string; line: number }): Promise<Done>;
}

export abstract class PageApp<View> {
  protected readonly message = el('div', 'message');

  constructor(private readonly requests: PageRequests<View>) {}

  /** Asks the host for the page's view. */
  async start(): Promise<void> {
    try {
      this.show(await this.requests.ready());
    } catch (err) {
      this.showError(err);
    }
  }

  /** Draws the page's view (the first, or a newer one the host pushed). */
  abstract show(view: View): void;

  protected async openSource(fn: string, file: string, line: number): Promise<void> {
    try {
      const done = await this.requests.openSource({ function: fn, file, line });
      if (done.note) this.showMessage(done.note, 'info');
    } catch (err) {
      this.showError(err);
    }
  }

  protected showError(err: unknown): void {
    this.showMessage(err instanceof Error ? err.message : String(err), 'error');
  }

  protected showMessage(text: string, kind: 'error' | 'info'): void {
    this.message.className = `message ${kind}`;
    this.message.textContent = text;
  }
}
