/**
 * Entry of dist/webview.js, VS Code's pages (flame graph, goroutines, leak watch): they talk to the
 * extension host through acquireVsCodeApi(). report.html has an entry of its own (reportMain.ts), so the
 * profile decoder it carries is not parsed here.
 */
import '../node_modules/d3-flame-graph/dist/d3-flamegraph.css';
import './webview.css';
import { flameHost, flamePage } from '../src/protocol/flamePage';
import { RpcEndpoint } from '../src/protocol/rpc';
import { pageTransport } from '../src/protocol/webview';
import { ProfileApp } from './app';
import { startFleetPage } from './fleet/fleetApp';
import './fleet/fleet.css';
import { startGoroutinesPage } from './goroutines';
import { registerToolkit } from './toolkit';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function startInVsCode(root: HTMLElement): void {
  const vscode = acquireVsCodeApi();
  const rpc = new RpcEndpoint({
    peer: 'the extension',
    local: flamePage,
    remote: flameHost,
    transport: pageTransport((m) => vscode.postMessage(m), window),
    requests: {},
    events: {},
    // No error classes: the page shows an error's message, and ProfileError would be one more shared chunk.
  });
  const app = new ProfileApp(root, rpc);
  performance.mark('goroscope:app');
  void app.start();
}

performance.mark('goroscope:start');
const root = document.getElementById('app');
if (root) {
  const page = root.dataset.view;
  // The flame-graph pages register the toolkit themselves, after the graph's first paint (ProfileApp).
  if (page === 'fleet') {
    // Plain DOM, no toolkit controls: it starts at once.
    const vscode = acquireVsCodeApi();
    startFleetPage(root, vscode);
  } else if (page === 'goroutines' || page === 'watch') {
    const vscode = acquireVsCodeApi(); // once per page: VS Code refuses a second call
    // These pages are made of toolkit controls: they start once its elements are defined (the host
    // sends nothing before the page's first request).
    void registerToolkit().then(() => startGoroutinesPage(root, page, (m) => vscode.postMessage(m)));
  } else {
    startInVsCode(root);
  }
}
