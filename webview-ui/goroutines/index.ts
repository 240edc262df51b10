/** Starts the Goroutines or leak-watch page of the panel bundle (main.ts picks it from #app's data-view), each on its own channel. */
import './goroutines.css';
import { goroutinesHost, goroutinesPage } from '../../src/protocol/goroutinesPage';
import { RpcEndpoint } from '../../src/protocol/rpc';
import { pageTransport } from '../../src/protocol/webview';
import { watchHost, watchPage } from '../../src/protocol/watchPage';
import { GoroutinesApp } from './goroutinesApp';
import { WatchApp } from './watchApp';

/** The dump may still be parsing, a stored watch loading: a page's first request can take a while. */
const TIMEOUT_MS = 120_000;

export function startGoroutinesPage(root: HTMLElement, view: 'goroutines' | 'watch', post: (message: unknown) => void): void {
  const transport = pageTransport(post, window);
  if (view === 'watch') {
    const rpc: WatchRpc = new RpcEndpoint({
      peer: 'the extension',
      local: watchPage,
      remote: watchHost,
      transport,
      requests: {},
      events: { watch: (w) => app.show(w) }, // pushed only after the page's first request, once app exists
      timeoutMs: TIMEOUT_MS,
    });
    const app = new WatchApp(root, rpc);
    void app.start();
  } else {
    const rpc: GoroutinesRpc = new RpcEndpoint({
      peer: 'the extension',
      local: goroutinesPage,
      remote: goroutinesHost,
      transport,
      requests: {},
      events: { view: (v) => app.show(v) },
      timeoutMs: TIMEOUT_MS,
    });
    const app = new GoroutinesApp(root, rpc);
    void app.start();
  }
}

export type GoroutinesRpc = RpcEndpoint<typeof goroutinesPage, typeof goroutinesHost>;
export type WatchRpc = RpcEndpoint<typeof watchPage, typeof watchHost>;
