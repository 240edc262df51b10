/**
 * report.html: the panel's UI over profiles embedded in the page, one tab per input, with an
 * in-page host answering the flame page's channel as the extension does, over the same profile store
 * the extension's pprof worker runs (no network, no VS Code).
 */
import { decodeUngzipped, gzipSizeHint, isGzip, ProfileDecoder } from '../src/pprof/decodeProto';
import { ProfileError } from '../src/pprof/errors';
import { DEFAULT_MAX_BYTES, ProfileTooLargeError } from '../src/pprof/sizeLimit';
import type { PackedProfile } from '../src/pprof/packed';
import { ProfileStore } from '../src/pprof/profileStore';
import { ProfileSession, storeEngine } from '../src/pprof/session';
import { flameHost, flamePage } from '../src/protocol/flamePage';
import { RpcEndpoint } from '../src/protocol/rpc';
import { linkedTransports } from '../src/protocol/webview';
import { ProfileApp } from './app';

import type { ReportData } from '../src/protocol/report';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The embedded profiles, decoded with the same core the extension uses. */
async function loadProfiles(json: string): Promise<Array<{ title: string; profile: PackedProfile }>> {
  const data = JSON.parse(json) as ReportData;
  if (data.version !== 2) throw new Error(`this report was written by another version of goroscope (format ${String(data.version)})`);
  if (!Array.isArray(data.profiles) || data.profiles.length === 0) throw new Error('the report holds no profiles');
  const maxBytes = typeof data.maxBytes === 'number' && data.maxBytes > 0 ? data.maxBytes : DEFAULT_MAX_BYTES;
  const profiles = [];
  for (const p of data.profiles) {
    try {
      profiles.push({ title: p.title, profile: await decodeEmbedded(fromBase64(p.base64), maxBytes) });
    } catch (err) {
      throw new Error(`${p.title}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return profiles;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  // The browser's own decoder where it has one (Chromium 140, Firefox 133, Safari 18.2): a tenth of the loop's time.
  const native = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> }).fromBase64;
  if (native) return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Gunzips with the browser's own DecompressionStream (no request leaves the page: the stream is built
 * from memory), decoding each chunk as it comes and stopping at the size limit: a gzip bomb in a report
 * costs the page the limit's worth of work, not its memory.
 */
async function decodeEmbedded(bytes: Uint8Array<ArrayBuffer>, maxBytes: number): Promise<PackedProfile> {
  if (!isGzip(bytes)) {
    if (bytes.length > maxBytes) throw new ProfileTooLargeError(maxBytes, 'packed');
    return decodeUngzipped(bytes, { maxBytes });
  }
  const decoder = new ProfileDecoder(gzipSizeHint(bytes), { maxBytes });
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  let unpacked = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new ProfileError('truncated or corrupt gzip data: the embedded profile is incomplete');
    }
    if (chunk.done) break;
    unpacked += chunk.value.length;
    if (unpacked > maxBytes) {
      void reader.cancel();
      throw new ProfileTooLargeError(maxBytes, 'unpacked');
    }
    decoder.push(chunk.value);
  }
  if (unpacked === 0) throw new ProfileError('empty input: the gzip data holds no profile (0 bytes once unpacked)');
  return decoder.finish();
}

export async function startReport(root: HTMLElement, json: string): Promise<void> {
  root.textContent = 'Loading the report…';
  let profiles: Array<{ title: string; profile: PackedProfile }>;
  try {
    profiles = await loadProfiles(json);
  } catch (err) {
    root.textContent = `This report cannot be shown: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  root.textContent = '';
  document.body.classList.add('report');
  // The same profile store the extension's pprof worker runs, here in the page.
  const store = new ProfileStore();
  const engine = storeEngine(store);
  const entries = profiles.map((p, i) => ({ id: String(i), title: p.title, profile: { summary: store.add(p.profile), release: () => {} } }));

  const tabs = el('nav', 'tabs');
  tabs.setAttribute('role', 'tablist');
  const stage = el('div', 'tab-stage');
  root.replaceWith(tabs, stage);
  stage.id = 'app';

  let current: { app: ProfileApp; host: RpcEndpoint<typeof flameHost, typeof flamePage>; page: RpcEndpoint<typeof flamePage, typeof flameHost> } | undefined;
  const buttons = entries.map((entry, i) => {
    const tab = el('button', 'tab', entry.title);
    tab.type = 'button';
    tab.setAttribute('role', 'tab');
    tab.addEventListener('click', () => select(i));
    return tab;
  });
  tabs.append(...buttons);
  if (entries.length < 2) tabs.hidden = true;

  function select(index: number): void {
    const entry = entries[index];
    if (!entry) return;
    buttons.forEach((b, i) => b.setAttribute('aria-selected', String(i === index)));
    if (current) {
      current.app.destroy();
      current.page.dispose();
      current.host.dispose();
    }
    const others = entries.filter((e) => e !== entry);
    const session = new ProfileSession({
      title: entry.title,
      engine,
      profile: entry.profile,
      ...(others.length > 0 ? { listBases: async () => others.map((o) => ({ id: o.id, title: o.title, open: async () => o.profile })) } : {}),
    });
    // The two ends of the flame page's channel, in this page, connected as postMessage would connect them.
    const [hostEnd, pageEnd] = linkedTransports();
    const host = new RpcEndpoint({ peer: 'the report page', local: flameHost, remote: flamePage, transport: hostEnd, requests: session.handlers, events: {}, errors: [ProfileError] });
    const page = new RpcEndpoint({ peer: 'the report', local: flamePage, remote: flameHost, transport: pageEnd, requests: {}, events: {}, errors: [ProfileError] });
    const app = new ProfileApp(stage, page);
    current = { app, host, page };
    void app.start();
  }
  select(0);
}
