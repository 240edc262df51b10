import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAssets, reportHtml, jsonForScript } from '../../../src/cli/commands/report';
import { panelCsp, panelHtml, WEBVIEW_BUNDLE } from '../../../src/extension/panel/html';
import path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';

describe('the panel page', () => {
  it('has a strict CSP: nothing by default, scripts only with the nonce, no eval', () => {
    const csp = panelCsp('https://file+.vscode-resource.vscode-cdn.net', 'N0nce');
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-N0nce'(;|$)/);
    assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net 'nonce-N0nce'/);
    assert.match(csp, /img-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net data:/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });

  it('loads only its bundle, with the nonce, and escapes the title', () => {
    const html = panelHtml({ cspSource: 'vscode-resource:', scriptUri: 'vscode-resource:/dist/webview.js', styleUri: 'vscode-resource:/dist/webview.css', title: '<img src=x onerror=alert(1)>', nonce: 'abc' });
    assert.match(html, /<script type="module" nonce="abc" src="vscode-resource:\/dist\/webview.js"><\/script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62;/);
    assert.doesNotMatch(html, /<[^>]*\son[a-z]+=/i);
  });

  it('fetches the bundle\'s chunks up front, under the nonce, and fetches nothing else', () => {
    const html = panelHtml({ cspSource: 'vscode-resource:', scriptUri: 'vscode-resource:/dist/webview.js', styleUri: 'vscode-resource:/dist/webview.css', preloadUris: ['vscode-resource:/dist/webview-a.js', 'x"><script>'], title: 't', nonce: 'abc' });
    assert.match(html, /<link rel="modulepreload" href="vscode-resource:\/dist\/webview-a.js" nonce="abc">/);
    assert.match(html, /<link rel="modulepreload" href="x&#34;&#62;&#60;script&#62;" nonce="abc">/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.equal((html.match(/<link/g) ?? []).length, 3);
  });

  it('names every chunk the build wrote beside webview.js, and webview.js imports each', () => {
    const dist = path.resolve('dist');
    const written = readdirSync(dist).filter((f) => /^webview-.*\.js$/.test(f)).sort();
    assert.deepEqual([...WEBVIEW_BUNDLE.chunks].sort(), written);
    const entry = readFileSync(path.join(dist, WEBVIEW_BUNDLE.script), 'utf8');
    for (const chunk of WEBVIEW_BUNDLE.chunks) assert.ok(entry.includes(`"./${chunk}"`), `${WEBVIEW_BUNDLE.script} does not import ./${chunk}`);
  });
});

describe('report.html', () => {
  it('embeds JSON that cannot close its script element', () => {
    const json = jsonForScript({ name: '</script><script>alert(1)</script><!--', sep: '\u2028' });
    assert.doesNotMatch(json, /<|>/);
    assert.deepEqual(JSON.parse(json), { name: '</script><script>alert(1)</script><!--', sep: '\u2028' });
  });

  it('inlines the bundle and CSS under a nonce and makes no external reference', () => {
    const assets = readAssets(path.resolve('dist'));
    const html = reportHtml([], assets);
    const nonce = /script-src &#39;nonce-([A-Za-z0-9_-]+)/.exec(html)?.[1];
    assert.ok(nonce);
    assert.match(html, new RegExp(`<style nonce="${nonce}">`));
    assert.match(html, new RegExp(`<script nonce="${nonce}">`));
    assert.doesNotMatch(html, /<script[^>]*\ssrc=|<link[^>]*\shref=/);
    assert.doesNotMatch(html, /sourceMappingURL/);
    // Two script elements: the data block and the bundle; the bundle text opens or closes none of its own.
    assert.equal((html.match(/<script/gi) ?? []).length, 2);
    assert.equal((html.match(/<\/script/gi) ?? []).length, 2);
  });
});
