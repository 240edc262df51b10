/**
 * The flame graph: d3-flame-graph drawing a pruned FlameNode tree, with theme colours, the
 * text-only tooltip, zoom that fetches the pruned-away part of a subtree, search highlighting.
 *
 * d3-flame-graph sets frame labels and titles with `.text()`; its default tooltip (which uses
 * `.html()`) is never created here, and no label handler returns markup.
 */
import flamegraph, { type FlameGraph, type HierarchyNode } from 'd3-flame-graph/src/flamegraph.js';
import { select } from 'd3-selection';
import type { FlameNode } from '../src/pprof/model';
import type { GoRegexp } from '../src/pprof/goRegexp';
import { readPalette, type Palette } from './theme';
import type { Tooltip } from './tooltip';

/** A tree node as the chart holds it: d3-flame-graph keeps zoom state (fade, hide) on the data. */
interface ChartNode extends FlameNode {
  children: ChartNode[];
  fade?: boolean;
  hide?: boolean;
  label?: string;
  /** The host already sent this node's subtree pruned relative to it. */
  expanded?: boolean;
}

export interface FlameOptions {
  container: HTMLElement;
  tooltip: Tooltip;
  /** Formats a value in the profile's unit for people ("1.2 MB", "23 ms"). */
  describe(node: FlameNode, path: FlameNode[]): { title: string; rows: Array<[string, string]> };
  /** Called after a zoom (also reset): the path from the root to the zoomed frame. */
  onZoom(path: FlameNode[]): void;
  /** Fetches the subtree under a node, pruned relative to it; undefined when the view changed meanwhile. */
  expand(node: FlameNode): Promise<FlameNode | undefined>;
}

const CELL_HEIGHT = 20;
const ZOOM_MS = 250;

/**
 * Readable label: the package path is dropped ("github.com/acme/svc/cache.(*LRU).Put" → "cache.(*LRU).Put").
 * Slashes inside generic type arguments ("[…]") and receivers ("(…)") are kept.
 */
export function shortName(name: string): string {
  const end = name.search(/[[(]/);
  const head = end < 0 ? name : name.slice(0, end);
  const slash = head.lastIndexOf('/');
  return slash < 0 ? name : name.slice(slash + 1);
}

function labelOf(node: ChartNode): string {
  if (node.label === undefined) node.label = shortName(node.name);
  return node.label;
}

function hasTruncated(node: ChartNode): boolean {
  if (node.truncated) return true;
  for (const child of node.children) if (hasTruncated(child)) return true;
  return false;
}

/**
 * A box's width. Comparing, it is the node's value in both profiles together (|now| + |base|): a path
 * that exists only in the base still shows, coloured as shrinkage, and widths still add up from children
 * to parents. Otherwise it is the node's value.
 */
function widthOf(node: ChartNode, comparing: boolean): number {
  if (!comparing) return node.total;
  return Math.abs(node.total) + Math.abs(node.total - (node.delta ?? 0));
}

function pathOf(node: HierarchyNode<ChartNode>): ChartNode[] {
  const path: ChartNode[] = [];
  for (let n: HierarchyNode<ChartNode> | null = node; n; n = n.parent) path.push(n.data);
  return path.reverse();
}

export class FlameView {
  private chart: FlameGraph<ChartNode> | undefined;
  private root: ChartNode | undefined;
  private palette: Palette;
  private diffScale = 0;
  /** The width the chart was last drawn at. */
  private width = 0;
  private comparing = false;
  private searchTerm = '';
  private zoomed: ChartNode[] = [];

  constructor(private readonly options: FlameOptions) {
    this.palette = readPalette();
  }

  /** Draws a new tree (a new view: sample type, filter, inversion or comparison changed). */
  render(tree: FlameNode, opts: { inverted: boolean; comparing: boolean }): void {
    this.destroyChart();
    const root = tree as ChartNode;
    this.root = root;
    this.comparing = opts.comparing;
    this.diffScale = opts.comparing ? maxAbsDelta(root) : 0;
    const { container, tooltip } = this.options;
    const chart = flamegraph<ChartNode>()
      .width((this.width = Math.max(200, container.clientWidth)))
      .cellHeight(CELL_HEIGHT)
      .minFrameSize(1)
      .transitionDuration(0)
      .inverted(opts.inverted)
      .resetHeightOnZoom(true)
      .selfValue(false)
      .sort(true)
      .getName((d) => labelOf(d.data))
      .getValue((d) => ('data' in d ? (d as HierarchyNode<ChartNode>).value : widthOf(d as ChartNode, opts.comparing)))
      .getChildren((d) => (d as { children?: unknown[] }).children)
      .setLabelHandler((d) => labelOf(d.data))
      .setDetailsHandler(() => {})
      .setSearchHandler(() => {})
      .setSearchMatch((d, term) => this.matcher(term)?.test(d.data.name) ?? false)
      .setColorMapper((d) => this.colorOf(d))
      .tooltip(this.makeTooltip(tooltip))
      .onClick((d) => void this.zoomed_(d));
    this.chart = chart;
    this.zoomed = [root];
    // Drawn at transition duration 0: widths and labels are set now (scripts/d3FlameGraphPatch.mjs), so the
    // first frame shows the graph.
    select(container).datum(root).call(chart);
    chart.transitionDuration(ZOOM_MS);
    if (this.searchTerm !== '') this.search(this.searchTerm);
  }

  /** Highlights frames whose full name matches (see compileSearch), once the regexp engine is loaded. */
  search(term: string): void {
    this.searchTerm = term;
    if (!this.chart) return;
    if (term === '') {
      this.chart.clear();
      return;
    }
    this.prepareMatcher(term).then(
      () => {
        if (this.searchTerm === term) this.chart?.search(term);
      },
      () => undefined, // the chunk did not load (the panel is closing): nothing to highlight
    );
  }

  resetZoom(): void {
    this.chart?.resetZoom();
  }

  /** Zooms to a frame on the current zoom path (breadcrumbs), by node id. */
  zoomToPathNode(id: number): void {
    const target = this.findHierarchy((n) => n.data.id === id);
    if (target) this.chart?.zoomTo(target);
  }

  /**
   * Re-reads the theme's colours and redraws when they changed. The observer that calls this also sees
   * style writes that are not theme changes (the toolkit's design tokens as its controls connect):
   * those cost no redraw.
   */
  refreshTheme(): void {
    const palette = readPalette();
    if (palette.signature === this.palette.signature) return;
    this.palette = palette;
    this.chart?.update();
  }

  /** Fits the chart to the container's width. */
  resize(): void {
    if (!this.chart) return;
    const width = Math.max(200, this.options.container.clientWidth);
    if (width === this.width) return; // the observer's first call, or a height-only change: nothing to redraw
    this.width = width;
    this.chart.transitionDuration(0).width(width).update();
    this.chart.transitionDuration(ZOOM_MS);
  }

  /** The path from the root to the zoomed frame. */
  get zoomPath(): readonly FlameNode[] {
    return this.zoomed;
  }

  destroy(): void {
    this.destroyChart();
    this.root = undefined;
  }

  private destroyChart(): void {
    if (!this.chart) return;
    this.options.tooltip.hide();
    this.chart.destroy();
    this.chart = undefined;
    select(this.options.container).selectAll('*').remove();
  }

  private compiled: { term: string; re: GoRegexp | undefined } = { term: '', re: undefined };

  /** The compiled search, when prepareMatcher has compiled this term (d3-flame-graph asks synchronously). */
  private matcher(term: string): GoRegexp | undefined {
    return this.compiled.term === term ? this.compiled.re : undefined;
  }

  private async prepareMatcher(term: string): Promise<void> {
    if (this.compiled.term === term) return;
    const { compileSearch } = await loadSearch();
    this.compiled = { term, re: compileSearch(term) };
  }

  private colorOf(d: HierarchyNode<ChartNode>): string {
    if (d.highlight) return this.palette.highlight;
    if (this.comparing) return this.palette.diff(d.data.delta ?? 0, this.diffScale);
    return this.palette.frame(d.data.name);
  }

  private makeTooltip(tooltip: Tooltip) {
    const tip = Object.assign(() => {}, {
      show: (d: HierarchyNode<ChartNode>) => {
        const content = this.options.describe(d.data, pathOf(d));
        tooltip.show({ ...content, hint: 'Click to zoom' });
      },
      hide: () => tooltip.hide(),
    });
    return tip;
  }

  /**
   * Draws the boxes the first view left out (the session's FIRST_VIEW_MIN_PIXELS): the root's subtree as
   * a zoom would fetch it. Not while zoomed in (a zoom fetches its own frame's boxes).
   */
  async refine(): Promise<void> {
    const root = this.root;
    if (!root || this.zoomed.length > 1 || !hasTruncated(root)) return;
    await this.graft(root);
  }

  private async zoomed_(d: HierarchyNode<ChartNode>): Promise<void> {
    this.zoomed = pathOf(d);
    this.options.onZoom(this.zoomed);
    if (d.parent === null || !hasTruncated(d.data)) return;
    await this.graft(d.data);
  }

  /** Replaces a node's pruned children with the host's subtree at this graph's pruning. */
  private async graft(node: ChartNode): Promise<void> {
    if (node.expanded) return;
    node.expanded = true;
    const subtree = (await this.options.expand(node)) as ChartNode | undefined;
    // The view may have changed while the host worked: only graft onto the tree that asked.
    if (!subtree || !this.chart || this.root === undefined || !this.contains(node)) return;
    if (node === this.root && this.zoomed.length > 1) {
      // Zoomed in meanwhile: new children for the root would show the zoomed frame's siblings again.
      node.expanded = false;
      return;
    }
    node.children = subtree.children;
    node.truncated = subtree.truncated;
    node.self = subtree.self;
    this.chart.transitionDuration(0).update(this.root);
    this.chart.transitionDuration(ZOOM_MS);
    if (this.searchTerm !== '') this.search(this.searchTerm);
  }

  private contains(node: ChartNode): boolean {
    return this.findHierarchy((n) => n.data === node) !== undefined;
  }

  private findHierarchy(match: (n: HierarchyNode<ChartNode>) => boolean): HierarchyNode<ChartNode> | undefined {
    const hierarchy = select(this.options.container).datum() as HierarchyNode<ChartNode> | undefined;
    if (!hierarchy || typeof hierarchy.descendants !== 'function') return undefined;
    return hierarchy.descendants().find(match);
  }
}

/**
 * The search terms' module (src/protocol/search.ts, with the regexp engine): a chunk of its own, fetched
 * with the page (WEBVIEW_BUNDLE) but run only at the first search, after the graph has been painted.
 */
let searchModule: Promise<typeof import('../src/pprof/search')> | undefined;
function loadSearch(): Promise<typeof import('../src/pprof/search')> {
  return (searchModule ??= import('../src/pprof/search'));
}

function maxAbsDelta(root: ChartNode): number {
  let max = 0;
  const stack: ChartNode[] = [...root.children];
  while (stack.length > 0) {
    const node = stack.pop() as ChartNode;
    max = Math.max(max, Math.abs(node.delta ?? 0));
    stack.push(...node.children);
  }
  return max;
}
