/**
 * What the Goroutines and leak-watch pages share: the request that fetches the first view, a line
 * for notes and errors, and "Open source" through the host.
 */
import { MessageType, type FromGoroutinesPageMessage, type MessageHandler, type ToGoroutinesPageMessage } from '../../src/protocol/panel';
import { el } from './dom';

export type GoroutinesRpc = MessageHandler<FromGoroutinesPageMessage, ToGoroutinesPageMessage>;

export abstract class PageApp {
  protected readonly message = el('div', 'message');

  constructor(protected readonly rpc: GoroutinesRpc) {}

  /** Asks the host for the page's view (the dump may still be parsing: a long timeout). */
  async start(): Promise<void> {
    try {
      this.handleEvent(await this.rpc.sendRequest({ type: MessageType.GoroutinesReady }, 120_000));
    } catch (err) {
      this.showError(err);
    }
  }

  /** A message from the host: the page's view, or an error. */
  abstract handleEvent(message: ToGoroutinesPageMessage): void;

  protected async openSource(fn: string, file: string, line: number): Promise<void> {
    try {
      const done = await this.rpc.sendRequest({ type: MessageType.OpenSource, function: fn, file, line });
      if (done.type === MessageType.Done && done.note) this.showMessage(done.note, 'info');
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
