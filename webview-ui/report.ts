/**
 * report.html: the panel's UI over profiles embedded in the page, one tab per input, with an
 * in-page host answering the flame page's channel as the extension does, over the same profile store
 * the extension's pprof worker runs (no network, no VS Code).
 */
import { decodeUngzipped, gzipSizeHint, isGzip, ProfileDecoder } from '../src/pprof/decodeProto';
import { ProfileError } from '../src/pprof/errors';
import { FirstViewEngine } from '../src/pprof/firstView';
import { DEFAULT_MAX_BYTES, ProfileTooLargeError } from '../src/pprof/sizeLimit';
import type { PackedProfile } from '../src/pprof/packed';
import { ProfileStore, type ProfileSummary } from '../src/pprof/profileStore';
import { ProfileSession, storeEngine, type OpenedProfile } from '../src/pprof/session';
import { flameHost, flamePage } from '../src/protocol/flamePage';
import { RpcEndpoint } from '../src/protocol/rpc';
import { linkedTransports } from '../src/protocol/webview';
import { ProfileApp } from './app';

import type { ReportData } from '../src/protocol/report';
import { gunzipMembers } from './gunzip';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The report's data block, checked. */
function readReport(json: string): ReportData {
  const data = JSON.parse(json) as ReportData;
  if (data.version !== 3) throw new Error(`this report was written by another version of goroscope (format ${String(data.version)})`);
  if (!Array.isArray(data.profiles) || data.profiles.length === 0) throw new Error('the report holds no profiles');
  return data;
}

/** The base64 text of a profile's bytes element, once the parser has read it (it follows the page's script). */
async function embeddedBytes(elementId: string): Promise<Uint8Array<ArrayBuffer>> {
  if (document.readyState === 'loading') await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
  const element = document.getElementById(elementId);
  if (!element) throw new ProfileError('the embedded profile is missing from the report');
  return fromBase64(element.textContent ?? '');
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

/** Decodes the embedded profile.proto bytes with the same core the extension uses. */
async function decodeEmbedded(bytes: Uint8Array<ArrayBuffer>, maxBytes: number): Promise<PackedProfile> {
  if (!isGzip(bytes)) {
    if (bytes.length > maxBytes) throw new ProfileTooLargeError(maxBytes, 'packed');
    return decodeUngzipped(bytes, { maxBytes });
  }
  const decoder = new ProfileDecoder(gzipSizeHint(bytes), { maxBytes });
  const unpacked = await gunzipMembers(bytes, maxBytes, (chunk) => decoder.push(chunk));
  if (unpacked === 0) throw new ProfileError('empty input: the gzip data holds no profile (0 bytes once unpacked)');
  return decoder.finish();
}

export async function startReport(root: HTMLElement, json: string): Promise<void> {
  root.textContent = 'Loading the report…';
  let data: ReportData;
  try {
    data = readReport(json);
  } catch (err) {
    root.textContent = `This report cannot be shown: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  const maxBytes = typeof data.maxBytes === 'number' && data.maxBytes > 0 ? data.maxBytes : DEFAULT_MAX_BYTES;
  // The same profile store the extension's pprof worker runs, here in the page. The profiles go into it
  // one after the other once `decode` is let go: after the first paint when they all came with their
  // first view (the page shows that meanwhile), at once when not.
  const store = new ProfileStore();
  let letDecode!: () => void;
  const decode = new Promise<void>((resolve) => (letDecode = resolve));
  let previous: Promise<unknown> = decode;
  const opened = data.profiles.map((p) => {
    const added = previous.then(async () => {
      try {
        return store.add(await decodeEmbedded(await embeddedBytes(p.bytesElement), maxBytes));
      } catch (err) {
        throw new Error(`${p.title}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    previous = added.catch(() => undefined);
    return added;
  });
  const engine = new FirstViewEngine(storeEngine(store), data.profiles.map((p, i) => ({ first: p.first, opened: opened[i] as Promise<ProfileSummary> })));
  const firstViews = data.profiles.every((p) => p.first !== undefined);
  if (!firstViews) letDecode();
  let entries: Array<{ id: string; title: string; profile: OpenedProfile }>;
  try {
    entries = await Promise.all(data.profiles.map(async (p, i) => ({ id: String(i), title: p.title, profile: { summary: await engine.summary(i), release: () => {} } })));
  } catch (err) {
    root.textContent = `This report cannot be shown: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  root.textContent = '';
  document.body.classList.add('report');

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
    tab.addEventListener('click', () => void select(i));
    return tab;
  });
  tabs.append(...buttons);
  if (entries.length < 2) tabs.hidden = true;

  function select(index: number): Promise<void> | undefined {
    const entry = entries[index];
    if (!entry) return undefined;
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
    return app.start();
  }
  // The profiles are decoded once the first graph is on screen.
  void select(0)?.then(() => requestAnimationFrame(() => setTimeout(letDecode)));
}
