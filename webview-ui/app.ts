/**
 * The panel's UI: toolbar (sample type, search, focus/ignore/hide, inverted, compare, save), the
 * zoom breadcrumbs with the selected frame, the flame graph and the top table. It talks to its
 * host only through its channel (src/protocol/flamePage.ts): the VS Code extension or report.html's page.
 */
import type { FlameNode, TopRow, ViewFilter } from '../src/pprof/model';
import { formatValue } from '../src/pprof/units';
import type { flameHost, flamePage, ProfileView } from '../src/protocol/flamePage';
import type { ParamsOf, RpcEndpoint } from '../src/protocol/rpc';
import { FlameView, shortName } from './flame';
import { onThemeChange } from './theme';
import { button, checkbox, dropdown, registerToolkit, textField } from './toolkit';
import { Tooltip } from './tooltip';
import { TopTable } from './topTable';

export type WebviewRpc = RpcEndpoint<typeof flamePage, typeof flameHost>;

/** View changes can take the host a while on large profiles (decode + tree in a worker). */
const VIEW_TIMEOUT_MS = 120_000;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className !== undefined) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class ProfileApp {
  private view: ProfileView | undefined;
  private readonly flame: FlameView;
  private readonly top: TopTable;
  /** Puts the toolbar's controls and the table in the page (once, after the first view's graph); see layout(). */
  private mountControls: (() => Promise<void>) | undefined;
  /** The controls are toolkit elements in the page: their properties can be set (syncControls). */
  private controlsReady = false;
  /** The graph width the host pruned the tree for (pruneFraction). */
  private prunedFor = 0;
  private readonly tooltip: Tooltip;
  private selected: FlameNode | undefined;
  /** The latest view's top table once the host sent it, and the one the table shows. */
  private table: { viewId: number; rows: TopRow[] } | undefined;
  private shownTable: { viewId: number; rows: TopRow[] } | undefined;
  private searchSeq = 0;
  private readonly disposers: Array<() => void> = [];

  // Controls.
  private readonly sampleType = dropdown('Sample type');
  private readonly searchField = textField('Search (regexp)', { title: 'Highlight frames whose function matches this regular expression' });
  private readonly searchShare = el('span', 'share');
  private readonly focusField = textField('focus', { title: 'Focus: keep only samples with a frame matching this regexp (pprof -focus)' });
  private readonly ignoreField = textField('ignore', { title: 'Ignore: drop samples with a frame matching this regexp (pprof -ignore)' });
  private readonly hideField = textField('hide', { title: 'Hide: remove matching frames from stacks, keeping the samples (pprof -hide)' });
  private readonly invertedBox = checkbox('Inverted', 'Who calls each function: functions where samples end first, their callers below, merged over all call sites');
  private readonly compareButton = button('Compare…', { title: 'Show the difference against a base profile (pprof -diff_base)' });
  private readonly baseDropdown = dropdown('Base profile to compare against');
  private readonly saveButton = button('Save snapshot…', { title: 'Save the profile to a .pb.gz file' });
  private readonly resetButton = button('Reset zoom');
  private readonly openButton = button('Open source', { appearance: 'primary', title: 'Open this frame’s file at its line' });
  private readonly crumbs = el('nav', 'crumbs');
  private readonly selection = el('div', 'selection');
  private readonly status = el('div', 'status');
  private readonly message = el('div', 'message');
  private readonly graph = el('div', 'graph');

  constructor(
    private readonly root: HTMLElement,
    private readonly rpc: WebviewRpc,
  ) {
    this.root.replaceChildren();
    this.root.classList.add('profile-app');
    this.tooltip = new Tooltip(this.graph);
    this.flame = new FlameView({
      container: this.graph,
      tooltip: this.tooltip,
      describe: (node) => this.describe(node),
      onZoom: (path) => this.onZoom(path),
      expand: (node) => this.expand(node),
    });
    this.top = new TopTable({
      // Comparing, the rows are changes: signed, and shares of the base's total (pprof -diff_base).
      format: (v) => (this.comparing && v > 0 ? `+${this.format(v)}` : this.format(v)),
      percent: (v) => (this.comparing ? this.changeShare(v) : this.percent(v)),
      onSelect: (row) => this.searchFor(row),
      onOpen: (row) => void this.openSource(row.function, row.file, 0),
    });
    this.layout();
    this.wire();
  }

  /** Asks the host for the view and draws it. */
  async start(): Promise<void> {
    this.busy(true);
    try {
      this.prunedFor = this.graphWidth();
      this.show(await this.rpc.request('ready', { graphWidth: this.prunedFor }, { timeoutMs: VIEW_TIMEOUT_MS }));
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy(false);
    }
  }

  destroy(): void {
    for (const dispose of this.disposers) dispose();
    this.flame.destroy();
    this.tooltip.destroy();
    this.root.replaceChildren();
  }

  private layout(): void {
    const toolbar = el('header', 'toolbar');
    const group = (label: string, ...children: HTMLElement[]) => {
      const g = el('div', 'group');
      g.setAttribute('role', 'group');
      g.setAttribute('aria-label', label);
      g.append(...children);
      return g;
    };
    this.baseDropdown.hidden = true;
    // The controls are toolkit elements, whose first connection (templates, design tokens) costs more
    // than drawing the graph: they join the page right after the graph's first paint (show()).
    const nav = el('div', 'navbar');
    nav.append(this.crumbs);
    const selectionBar = el('div', 'selectionbar');
    selectionBar.append(this.selection);
    this.openButton.hidden = true;
    const main = el('div', 'main');
    const graphPane = el('section', 'graph-pane');
    graphPane.append(this.graph);
    const topPane = el('section', 'top'); // the table's place, same size, until the table joins
    main.append(graphPane, topPane);
    this.mountControls = async () => {
      await registerToolkit();
      toolbar.append(
        group('Sample type', this.sampleType),
        group('Search', this.searchField, this.searchShare),
        group('Filters', this.focusField, this.ignoreField, this.hideField),
        group('View', this.invertedBox, this.compareButton, this.baseDropdown, this.saveButton),
      );
      nav.prepend(this.resetButton);
      selectionBar.append(this.openButton);
      topPane.replaceWith(this.top.element);
      this.controlsReady = true;
      if (this.view) this.syncControls(this.view);
    };
    this.root.append(toolbar, this.message, nav, selectionBar, main, this.status);
  }

  private wire(): void {
    this.sampleType.addEventListener('change', () => {
      const index = Number(this.sampleType.value);
      if (this.view && index !== this.view.sampleIndex) void this.changeView('setSampleType', { sampleIndex: index });
    });
    let searchTimer: ReturnType<typeof setTimeout> | undefined;
    this.searchField.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => void this.search(this.searchField.value), 150);
    });
    for (const field of [this.focusField, this.ignoreField, this.hideField]) {
      field.addEventListener('change', () => void this.applyFilter());
      field.addEventListener('keydown', (e) => {
        if ((e as KeyboardEvent).key === 'Enter') void this.applyFilter();
      });
    }
    this.invertedBox.addEventListener('change', () => {
      if (this.view && this.invertedBox.checked !== this.view.inverted) {
        void this.changeView('setInverted', { inverted: this.invertedBox.checked });
      }
    });
    this.compareButton.addEventListener('click', () => void this.compare());
    this.baseDropdown.addEventListener('change', () => {
      const id = this.baseDropdown.value;
      if (id === '') return;
      void this.changeView('compare', id === '-' ? {} : { baseId: id });
    });
    this.saveButton.addEventListener('click', () => void this.save());
    this.resetButton.addEventListener('click', () => this.flame.resetZoom());
    this.openButton.addEventListener('click', () => {
      if (this.selected) void this.openSource(this.selected.name, this.selected.file, this.selected.line);
    });
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        this.flame.resize();
        void this.widen();
      }, 100);
    });
    observer.observe(this.graph);
    this.disposers.push(() => observer.disconnect(), onThemeChange(() => this.flame.refreshTheme()));
  }

  private show(view: ProfileView): void {
    this.view = view;
    this.selected = undefined;
    // Marks for bench/flamePaint.mjs (and anyone profiling the page in devtools).
    performance.mark('goroscope:view');
    this.flame.render(view.tree, { inverted: view.inverted, comparing: view.baseTitle !== undefined });
    performance.mark('goroscope:graph');
    void this.loadTable(view.viewId);
    this.onZoom([view.tree]);
    this.setStatus();
    this.root.dataset.viewId = String(view.viewId);
    if (this.controlsReady) {
      this.syncControls(view);
    } else if (this.mountControls) {
      // First view: the toolkit controls and the table join once the graph's frame is on screen (see
      // layout()); a view that arrives before they are ready is synced when they are.
      // The first view's narrowest boxes come then too (FlameView.refine), while the controls connect.
      const mount = this.mountControls;
      this.mountControls = undefined;
      requestAnimationFrame(() =>
        setTimeout(() => {
          void this.flame.refine();
          mount().catch((err: unknown) => this.fail(err));
        }),
      );
    }
  }

  /** The toolbar and the table as the view says; only once the controls are in the page. */
  private syncControls(view: ProfileView): void {
    this.sampleType.setOptions(
      view.sampleTypes.map((t, i) => ({ value: String(i), label: `${t.type} (${t.unit})` })),
      String(view.sampleIndex),
    );
    this.sampleType.disabled = view.sampleTypes.length < 2;
    this.focusField.value = view.filter.focus ?? '';
    this.ignoreField.value = view.filter.ignore ?? '';
    this.hideField.value = view.filter.hide ?? '';
    this.invertedBox.checked = view.inverted;
    this.compareButton.hidden = !view.canCompare;
    this.compareButton.textContent = view.baseTitle === undefined ? 'Compare…' : 'Change base…';
    this.baseDropdown.hidden = true;
    this.saveButton.hidden = !view.canSave;
    this.fillTable();
    this.root.dataset.ready = 'true';
    if (this.searchField.value !== '') void this.search(this.searchField.value);
    else this.searchShare.textContent = '';
  }

  /** Asks for the view's top table (the host builds it while the page paints the graph). */
  private async loadTable(viewId: number): Promise<void> {
    try {
      const table = await this.rpc.request('topTable', { viewId }, { timeoutMs: VIEW_TIMEOUT_MS });
      if (this.view?.viewId !== viewId) return;
      this.table = table;
      this.fillTable();
    } catch (err) {
      if (this.view?.viewId === viewId) this.fail(err);
    }
  }

  /** The table (hundreds of toolkit elements) fills in when the page is idle, once the controls are in and the rows came. */
  private fillTable(): void {
    const table = this.table;
    if (!this.controlsReady || !table || table.viewId !== this.view?.viewId) return;
    requestIdleCallback(
      () => {
        if (this.view?.viewId !== table.viewId || this.shownTable === table) return;
        this.shownTable = table;
        this.top.setRows(table.rows);
        performance.mark('goroscope:table');
      },
      { timeout: 400 },
    );
  }

  private setStatus(): void {
    const view = this.view;
    if (!view) return;
    const type = view.sampleTypes[view.sampleIndex];
    const parts = [view.title, `${type?.type ?? ''}: ${this.format(view.total)} total`];
    if (view.baseTitle !== undefined) {
      const base = view.baseTotal === undefined ? '' : `${this.format(view.baseTotal)} total; `;
      parts.push(`compared with ${view.baseTitle} (${base}red grew, green shrank; shares of changes are of the base)`);
    }
    if (view.inverted) parts.push('inverted (callers below each function)');
    this.status.textContent = parts.join(' · ');
  }

  private onZoom(path: readonly FlameNode[]): void {
    const crumbs = path.map((node, i) => {
      const crumb = el('button', 'crumb', i === 0 ? 'all' : shortName(node.name));
      crumb.type = 'button';
      crumb.title = i === 0 ? 'Whole profile' : node.name;
      crumb.addEventListener('click', () => (i === 0 ? this.flame.resetZoom() : this.flame.zoomToPathNode(node.id)));
      return crumb;
    });
    const items: Node[] = [];
    crumbs.forEach((c, i) => {
      if (i > 0) items.push(el('span', 'sep', '›'));
      items.push(c);
    });
    this.crumbs.replaceChildren(...items);
    const node = path.length > 1 ? path[path.length - 1] : undefined;
    this.selected = node;
    if (node) {
      this.selection.textContent = `${node.name} — ${node.file === '' ? 'no file' : `${node.file}:${node.line}`} — cum ${this.format(node.total)} (${this.percent(node.total)})`;
    } else {
      this.selection.textContent = 'Click a frame to zoom in; hover for details.';
    }
    this.openButton.hidden = !node || !this.view?.canOpenSource || node.file === '';
  }

  private describe(node: FlameNode): { title: string; rows: Array<[string, string]> } {
    const rows: Array<[string, string]> = [
      ['File', node.file === '' ? '(unknown)' : `${node.file}:${node.line}`],
      ['Flat', `${this.format(node.self)} (${this.percent(node.self)})`],
      ['Cum', `${this.format(node.total)} (${this.percent(node.total)})`],
    ];
    if (this.comparing && node.delta !== undefined) {
      const sign = node.delta > 0 ? '+' : node.delta < 0 ? '−' : '±';
      rows.push(['Change', `${sign}${this.format(Math.abs(node.delta))} vs base (${this.changeShare(node.delta, sign)} of the base)`]);
    }
    return { title: node.name, rows };
  }

  private format(value: number): string {
    return formatValue(value, this.view?.unit ?? 'count');
  }

  /** The view shows this profile against a base (pprof -diff_base). */
  private get comparing(): boolean {
    return this.view?.baseTitle !== undefined;
  }

  private percent(value: number): string {
    return shareOf(value, this.view?.total ?? 0);
  }

  /** A change as a share of the base's total, signed ("+12.5%", "-69.4%"); "–" when the base is empty. */
  private changeShare(delta: number, minus = '-'): string {
    const total = this.view?.baseTotal ?? 0;
    if (total === 0) return '–';
    const share = shareOf(Math.abs(delta), total);
    return delta > 0 ? `+${share}` : delta < 0 ? `${minus}${share}` : share;
  }

  private async changeView<M extends 'setSampleType' | 'setFilter' | 'setInverted' | 'compare'>(method: M, params: ParamsOf<typeof flameHost, M>): Promise<void> {
    this.busy(true);
    try {
      const view = await this.rpc.request(method, params, { timeoutMs: VIEW_TIMEOUT_MS });
      this.clearMessage();
      this.show(view);
    } catch (err) {
      this.fail(err);
      if (this.view) this.show(this.view); // put the controls back to what is drawn
    } finally {
      this.busy(false);
    }
  }

  private graphWidth(): number {
    return Math.round(this.graph.clientWidth);
  }

  /**
   * The tree came pruned for the graph's width: once the graph is wider by a tenth, boxes folded away
   * could be a pixel wide, so the same view comes again pruned for the new width, zoomed where it was.
   */
  private async widen(): Promise<void> {
    const width = this.graphWidth();
    if (!this.view || width <= this.prunedFor * 1.1 || this.root.classList.contains('busy')) return;
    const zoomedId = this.flame.zoomPath.at(-1)?.id;
    const previous = this.prunedFor;
    this.prunedFor = width;
    try {
      const view = await this.rpc.request('setGraphWidth', { graphWidth: width }, { timeoutMs: VIEW_TIMEOUT_MS });
      this.show(view);
      if (zoomedId !== undefined && zoomedId !== view.tree.id) this.flame.zoomToPathNode(zoomedId);
    } catch (err) {
      this.prunedFor = previous;
      this.fail(err);
    }
  }

  private applyFilter(): void {
    if (!this.view) return;
    const filter: ViewFilter = {};
    const focus = this.focusField.value.trim();
    const ignore = this.ignoreField.value.trim();
    const hide = this.hideField.value.trim();
    if (focus !== '') filter.focus = focus;
    if (ignore !== '') filter.ignore = ignore;
    if (hide !== '') filter.hide = hide;
    if (this.view.filter.tagFocus !== undefined) filter.tagFocus = this.view.filter.tagFocus;
    const current = this.view.filter;
    if ((current.focus ?? '') === focus && (current.ignore ?? '') === ignore && (current.hide ?? '') === hide) return;
    void this.changeView('setFilter', { filter });
  }

  private async search(term: string): Promise<void> {
    this.flame.search(term);
    const seq = ++this.searchSeq;
    if (term === '') {
      this.searchShare.textContent = '';
      this.root.dataset.searchMatched = '';
      return;
    }
    try {
      const result = await this.rpc.request('search', { term });
      if (seq !== this.searchSeq) return;
      const share = result.total === 0 ? 0 : (100 * result.matched) / result.total;
      this.searchShare.textContent = `matched ${this.format(result.matched)} of ${this.format(result.total)} (${share.toFixed(share >= 10 ? 1 : 2)}%)`;
      this.root.dataset.searchMatched = String(result.matched);
    } catch (err) {
      if (seq === this.searchSeq) this.fail(err);
    }
  }

  private searchFor(row: TopRow): void {
    const term = `^${row.function.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    this.searchField.value = term;
    void this.search(term);
  }

  private async expand(node: FlameNode): Promise<FlameNode | undefined> {
    const view = this.view;
    if (!view) return undefined;
    try {
      const reply = await this.rpc.request('expandNode', { viewId: view.viewId, nodeId: node.id });
      return reply.viewId === this.view?.viewId ? reply.node : undefined;
    } catch (err) {
      this.fail(err);
      return undefined;
    }
  }

  private async compare(): Promise<void> {
    try {
      const bases = await this.rpc.request('listBases', {});
      if (bases.length === 0) {
        this.note('There is no other profile to compare with: capture or open another snapshot of the same kind first.');
        return;
      }
      const options = [{ value: '', label: 'Compare with…' }, ...bases.map((b) => ({ value: b.id, label: b.title }))];
      if (this.comparing) options.push({ value: '-', label: 'Stop comparing' });
      this.baseDropdown.setOptions(options, '');
      this.baseDropdown.hidden = false;
      this.baseDropdown.focus();
    } catch (err) {
      this.fail(err);
    }
  }

  private async save(): Promise<void> {
    try {
      const reply = await this.rpc.request('saveSnapshot', {}, { timeoutMs: 10 * 60_000 });
      if (reply.note !== undefined) this.note(reply.note);
    } catch (err) {
      this.fail(err);
    }
  }

  private async openSource(fn: string, file: string, line: number): Promise<void> {
    if (!this.view?.canOpenSource) return;
    try {
      const reply = await this.rpc.request('openSource', { function: fn, file, line });
      if (reply.note !== undefined) this.note(reply.note);
      else this.clearMessage();
    } catch (err) {
      this.fail(err);
    }
  }

  private busy(on: boolean): void {
    this.root.classList.toggle('busy', on);
    this.root.setAttribute('aria-busy', String(on));
  }

  private note(text: string): void {
    this.message.className = 'message note';
    this.message.textContent = text;
  }

  private fail(err: unknown): void {
    this.message.className = 'message error';
    this.message.textContent = err instanceof Error ? err.message : String(err);
  }

  private clearMessage(): void {
    this.message.className = 'message';
    this.message.textContent = '';
  }
}

/** `value` as a percentage of `total`: one decimal from 10 %, two below; "0%" for an empty total. */
function shareOf(value: number, total: number): string {
  if (total === 0) return '0%';
  const p = (100 * value) / total;
  return `${Math.abs(p) >= 10 || p === 0 ? p.toFixed(1) : p.toFixed(2)}%`;
}
