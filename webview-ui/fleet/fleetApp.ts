/**
 * The fleet page: the connected fleet's suspects, ranked with their evidence, and every instance with its
 * goroutines and heap in use now and a small chart of each over the range. The instance list is
 * virtualised (only the rows in view exist in the DOM), so 500 instances scroll as smoothly as 5. Every
 * string came from a metrics server and goes in as text.
 */
import { formatValue } from '../../src/pprof/units';
import { fleetHost, fleetPage, PAGE_RANGES, type FleetInstanceView, type FleetStatus, type FleetView, type PagePort } from '../../src/protocol/fleet';
import { pageTransport } from '../../src/protocol/webview';
import { RpcEndpoint } from '../../src/protocol/rpc';
import { lineChart } from '../goroutines/chart';
import { el, linkButton, plural } from '../goroutines/dom';

export const ROW_HEIGHT = 36;
/** Rows drawn above and below the visible ones, so a fast scroll shows no gap. */
const OVERSCAN = 6;
const CHART_WIDTH = 160;
const CHART_HEIGHT = 28;
const SVG = 'http://www.w3.org/2000/svg';

export class FleetApp {
  private view: FleetView | undefined;
  private readonly title = el('h1', undefined, 'Fleet');
  private readonly facts = el('div', 'fleet-facts');
  private readonly status = el('div', 'fleet-status');
  private readonly rangeButtons = new Map<string, HTMLButtonElement>();
  private readonly suspects = el('ol', 'fleet-suspects');
  private readonly list = el('div', 'fleet-list');
  private readonly spacer = el('div');
  /** Rows in the DOM now, by instance index. */
  private readonly rows = new Map<number, HTMLElement>();
  private frame = 0;

  private readonly rpc: RpcEndpoint<typeof fleetPage, typeof fleetHost>;

  constructor(
    private readonly root: HTMLElement,
    port: PagePort,
  ) {
    this.rpc = new RpcEndpoint({
      peer: 'the extension host',
      local: fleetPage,
      remote: fleetHost,
      transport: pageTransport((m) => port.postMessage(m), window),
      requests: {},
      events: { show: (view) => this.show(view), status: (status) => this.showStatus(status) },
      onMalformed: (problem) => console.warn(problem),
    });
  }

  start(): void {
    this.root.classList.add('fleet-app');
    const toolbar = el('div', 'fleet-toolbar');
    for (const range of PAGE_RANGES) {
      const b = el('button', undefined, range);
      b.type = 'button';
      b.title = `Read the last ${range}`;
      b.addEventListener('click', () => this.rpc.notify('setRange', { range }));
      this.rangeButtons.set(range, b);
      toolbar.append(b);
    }
    const refresh = el('button', undefined, 'Refresh');
    refresh.type = 'button';
    refresh.addEventListener('click', () => this.rpc.notify('refresh', {}));
    toolbar.append(refresh);
    const head = el('div', 'fleet-head');
    for (const text of ['instance', 'goroutines', 'over the range', 'heap in use', 'over the range', 'restarts', '']) head.append(el('span', undefined, text));
    this.list.append(this.spacer);
    this.list.setAttribute('role', 'list');
    this.list.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.list);
    this.root.append(this.title, this.facts, toolbar, this.status, el('h2', undefined, 'Leak suspects'), this.suspects, el('h2', undefined, 'Instances'), head, this.list);
    void this.rpc.request('ready', {}).then(
      (view) => {
        if (view) this.show(view);
        else this.showStatus({ kind: 'info', text: 'No fleet connected: run "Goroscope: Connect to Fleet…".' });
      },
      (err: unknown) => this.showStatus({ kind: 'error', text: err instanceof Error ? err.message : String(err) }),
    );
  }

  private showStatus(status: FleetStatus): void {
    this.status.className = `fleet-status ${status.kind}`;
    this.status.textContent = status.text;
  }

  private show(view: FleetView): void {
    this.view = view;
    this.status.textContent = '';
    this.title.textContent = view.title;
    const iso = (s: number) => new Date(s * 1000).toISOString().replace(/:\d\d\.000Z$/, 'Z').replace('T', ' ');
    this.facts.textContent = `${view.source} · ${iso(view.range.start)} → ${iso(view.range.end)} (a point every ${view.step} s) · ${plural(view.instances.length, 'instance')} · ${plural(view.suspects.length, 'suspect')}`;
    for (const [range, button] of this.rangeButtons) button.classList.toggle('active', view.title.endsWith(` ${range}`));
    this.suspects.replaceChildren();
    if (view.suspects.length === 0) this.suspects.append(el('li', 'fleet-none', 'No instance kept growing over the range.'));
    for (const s of view.suspects) {
      const li = el('li', 'fleet-suspect');
      li.dataset.instance = s.instance;
      const line = el('div');
      line.append(
        el('span', 'kind', `[${s.kind}] `),
        el('span', 'what', s.instance),
        document.createTextNode(`  +${s.unit === 'bytes' ? formatValue(s.perHour, 'bytes') : Math.round(s.perHour).toLocaleString('en-US')}/h · score ${s.score} `),
        linkButton('Attach', `Attach to ${s.instance}'s pprof endpoints`, () => this.rpc.notify('attach', { instance: s.instance })),
      );
      const evidence = el('ul');
      for (const e of s.evidence) evidence.append(el('li', undefined, e));
      li.append(line, evidence);
      this.suspects.append(li);
    }
    for (const row of this.rows.values()) row.remove();
    this.rows.clear();
    this.spacer.style.height = `${view.instances.length * ROW_HEIGHT}px`;
    this.list.scrollTop = 0;
    this.render();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Keeps in the DOM only the rows in view (plus a few): rows leaving are removed, rows entering built. */
  private render(): void {
    const view = this.view;
    if (!view) return;
    const first = Math.max(0, Math.floor(this.list.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(view.instances.length - 1, Math.ceil((this.list.scrollTop + this.list.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    for (const [index, row] of this.rows) {
      if (index < first || index > last) {
        row.remove();
        this.rows.delete(index);
      }
    }
    for (let index = first; index <= last; index++) {
      if (this.rows.has(index)) continue;
      const row = this.buildRow(view, view.instances[index] as FleetInstanceView);
      row.style.top = `${index * ROW_HEIGHT}px`;
      this.rows.set(index, row);
      this.list.append(row);
    }
  }

  private buildRow(view: FleetView, i: FleetInstanceView): HTMLElement {
    const row = el('div', `fleet-row${i.suspectRank !== null ? ' suspect' : ''}`);
    row.setAttribute('role', 'listitem');
    row.dataset.instance = i.instance;
    const name = el('span', 'name', i.instance);
    name.title = Object.entries(i.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
    const growing = (kind: 'goroutines' | 'heap') => view.suspects.some((s) => s.instance === i.instance && s.kind === kind);
    row.append(
      name,
      el('span', 'num', i.goroutines ? Math.round(i.goroutines.last).toLocaleString('en-US') : '—'),
      this.chart(view, i, i.goroutinesChart, `goroutines of ${i.instance}`, growing('goroutines'), 'goroutines'),
      el('span', 'num', i.heapInuse ? formatValue(i.heapInuse.last, 'bytes') : '—'),
      this.chart(view, i, i.heapChart, `heap in use of ${i.instance}`, growing('heap'), 'heap'),
      el('span', 'restarts', i.restarts.length ? String(i.restarts.length) : ''),
      linkButton('Attach', `Attach to ${i.instance}'s pprof endpoints`, () => this.rpc.notify('attach', { instance: i.instance })),
    );
    return row;
  }

  /** A small chart with a dashed line at each restart. */
  private chart(view: FleetView, i: FleetInstanceView, values: Array<number | null>, label: string, growing: boolean, kind: string): SVGSVGElement {
    const svg = lineChart(values, { width: CHART_WIDTH, height: CHART_HEIGHT, label, floor: 0, ...(growing ? { className: 'growing' } : {}) });
    svg.dataset.chart = kind;
    const length = Math.max(1, view.range.end - view.chartStart);
    for (const at of i.restarts) {
      if (at < view.chartStart) continue;
      const x = (3 + ((at - view.chartStart) / length) * (CHART_WIDTH - 6)).toFixed(1);
      const line = document.createElementNS(SVG, 'line');
      line.setAttribute('x1', x);
      line.setAttribute('x2', x);
      line.setAttribute('y1', '0');
      line.setAttribute('y2', String(CHART_HEIGHT));
      line.classList.add('restart');
      svg.append(line);
    }
    return svg;
  }
}

/** Starts the page on VS Code's postMessage (the channel checks every message's form before use). */
export function startFleetPage(root: HTMLElement, port: PagePort): FleetApp {
  const app = new FleetApp(root, port);
  app.start();
  return app;
}
