/**
 * The bundle's lazily imported chunks (the toolkit's), fetched and compiled without running, at a moment
 * chosen by the page: a flame-graph page calls this once it has asked the host for its view, and the fetch
 * starts when the page is next idle, so the chunk compiles while the host decodes the profile instead of
 * beside the bundle before the first paint.
 *
 * Why fetch early at all: VS Code serves a webview's files through a service worker that waits up to 30 s
 * for each reply, and a request still in flight when its panel closes holds up the next webview's worker
 * that long (code-server: a panel closed while its toolkit chunk loaded after the graph's first paint,
 * and the next panel stayed blank for 27 s). Started here, the fetch is under way before the page shows
 * anything whenever the host takes a moment to answer (seconds for a large profile).
 *
 * The host names the chunks in #app's data-prefetch (src/extension/panel/html.ts); report.html names none.
 */
export function prefetchChunks(root: HTMLElement): void {
  const urls = (root.dataset.prefetch ?? '').split(' ').filter((url) => url !== '');
  if (urls.length === 0) return;
  // The page's CSP nonce (script-src allows nothing else), as the page states it for FAST.
  const nonce = document.querySelector('meta[property="csp-nonce"]')?.getAttribute('content') ?? '';
  const fetchAll = (): void => {
    for (const href of urls) {
      const link = document.createElement('link');
      link.rel = 'modulepreload';
      link.href = href;
      link.nonce = nonce;
      document.head.append(link);
    }
  };
  // When the page is next idle: at once while it waits for the host (the usual case: the host decodes
  // first), after the graph is drawn when the host answers before the page ever idles — then the chunk's
  // compile does not compete with the drawing on a small machine either.
  requestIdleCallback(fetchAll, { timeout: IDLE_TIMEOUT_MS });
}

/** The longest the fetch waits for an idle moment. */
const IDLE_TIMEOUT_MS = 1000;
