/**
 * The webview's page: a strict Content-Security-Policy with a per-load nonce, the bundle (an ES module,
 * whose toolkit chunk is fetched with it and run later) and its stylesheet from dist/, nothing inline but
 * what carries the nonce. No vscode import (tested plainly).
 */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  /** webview.cspSource: where the webview may load resources from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** The bundle's chunks (WEBVIEW_BUNDLE.chunks), fetched while the page loads though they run later. */
  preloadUris?: readonly string[];
  title: string;
  nonce?: string;
  /** Which page of the bundle to start (default: the flame graph). */
  view?: 'flame' | 'goroutines' | 'watch' | 'fleet';
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The policy: no default source, scripts only with the nonce, styles from the extension or with the nonce, no eval. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * What dist/ holds for the webview pages (scripts/build.mjs): the entry module, its stylesheet, and every
 * chunk it imports lazily. The chunks are named here so the page can fetch them up front: VS Code serves a
 * webview's files through a service worker that waits up to 30 s for each reply, and a request still in
 * flight when its panel closes holds up the next webview's worker that long (seen in code-server: a
 * panel closed while its toolkit chunk loaded, and the next panel stayed blank for 27 s). A page whose
 * fetches all start while its HTML loads has none left to strand once it shows anything. Starting the
 * fetch later (when the page idles after asking for its view) stranded it again: 1 of 3 e2e runs waited
 * 28 s for the next panel. A `preload as=script crossorigin` instead would be taken by the import() as
 * well (in flight too) and spare the flame page the chunk's compile before its first paint (~15 ms), but
 * one of the six code-server runs made with it left a panel blank for 28 s, cause not found: the
 * modulepreload, with the longer clean record, stays. test/browser/panelPage.test.ts checks every page
 * fetches the chunk once, on a slow connection too.
 */
export const WEBVIEW_BUNDLE = {
  script: 'webview.js',
  style: 'webview.css',
  // The toolkit, run after the graph's first paint; the search terms' module (with the regexp engine), at the first search.
  chunks: ['webview-toolkitElements.js', 'webview-search.js'],
} as const;

const VIEW_LABELS = { flame: 'Flame graph', goroutines: 'Goroutines', watch: 'Leak watch', fleet: 'Fleet' } as const;

export function panelHtml(options: PanelHtmlOptions): string {
  const nonce = options.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(panelCsp(options.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<!-- FAST (the toolkit) reads this to add the nonce to the <style> it creates. -->
<meta property="csp-nonce" content="${nonce}">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}" nonce="${nonce}">
${(options.preloadUris ?? []).map((uri) => `<link rel="modulepreload" href="${escapeHtml(uri)}" nonce="${nonce}">\n`).join('')}</head>
<body>
<main id="app" data-view="${options.view ?? 'flame'}" aria-label="${VIEW_LABELS[options.view ?? 'flame']}"></main>
<script type="module" nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>
`;
}
