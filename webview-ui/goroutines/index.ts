/** Starts the Goroutines or leak-watch page of the panel bundle (main.ts picks it from #app's data-view). */
import './goroutines.css';
import { fromWire, isToGoroutinesPageMessage, MessageHandler, type Envelope, type FromGoroutinesPageMessage, type ToGoroutinesPageMessage } from '../../src/protocol/panel';
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
    const envelope = fromWire(event.data);
    if (isToGoroutinesPageMessage(envelope)) rpc.handleMessage(envelope as Envelope<ToGoroutinesPageMessage>);
  });
  const app = view === 'watch' ? new WatchApp(root, rpc) : new GoroutinesApp(root, rpc);
  void app.start();
}
