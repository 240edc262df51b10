/** Starts the Goroutines or leak-watch page of the panel bundle (main.ts picks it from #app's data-view). */
import './goroutines.css';
import { isToGoroutinesPageMessage, MessageHandler, type Envelope, type FromGoroutinesPageMessage, type ToGoroutinesPageMessage } from '../../src/protocol/panel';
import { GoroutinesApp } from './goroutinesApp';
import { WatchApp } from './watchApp';

export function startGoroutinesPage(root: HTMLElement, view: 'goroutines' | 'watch', post: (message: unknown) => void): void {
  const rpc = new MessageHandler<FromGoroutinesPageMessage, ToGoroutinesPageMessage>(
    (envelope) => post(envelope),
    (message) => {
      app.handleEvent(message);
      return undefined;
    },
  );
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isToGoroutinesPageMessage(event.data)) rpc.handleMessage(event.data as Envelope<ToGoroutinesPageMessage>);
  });
  const app = view === 'watch' ? new WatchApp(root, rpc) : new GoroutinesApp(root, rpc);
  void app.start();
}
