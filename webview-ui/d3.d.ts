// d3-flame-graph's ESM source has no types of its own; only what flame.ts uses is declared.
declare module 'd3-flame-graph/src/flamegraph.js' {
  export interface HierarchyNode<T> {
    data: T;
    value: number;
    depth: number;
    x0: number;
    x1: number;
    parent: HierarchyNode<T> | null;
    children?: Array<HierarchyNode<T>>;
    highlight?: boolean;
    descendants(): Array<HierarchyNode<T>>;
  }
  export interface Tooltip<T> {
    (selection: unknown): void;
    show(node: HierarchyNode<T>, element: Element): void;
    hide(): void;
    destroy?(): void;
  }
  export interface FlameGraph<T> {
    (selection: unknown): void;
    width(w: number): FlameGraph<T>;
    cellHeight(h: number): FlameGraph<T>;
    minFrameSize(px: number): FlameGraph<T>;
    transitionDuration(ms: number): FlameGraph<T>;
    inverted(inverted: boolean): FlameGraph<T>;
    resetHeightOnZoom(reset: boolean): FlameGraph<T>;
    selfValue(self: boolean): FlameGraph<T>;
    sort(sort: boolean | ((a: HierarchyNode<T>, b: HierarchyNode<T>) => number)): FlameGraph<T>;
    tooltip(tooltip: Tooltip<T>): FlameGraph<T>;
    getName(f: (node: HierarchyNode<T>) => string): FlameGraph<T>;
    getValue(f: (node: T | HierarchyNode<T>) => number): FlameGraph<T>;
    getChildren(f: (node: T | HierarchyNode<T>) => unknown[] | undefined): FlameGraph<T>;
    setLabelHandler(f: (node: HierarchyNode<T>) => string): FlameGraph<T>;
    setColorMapper(f: (node: HierarchyNode<T>, original: string) => string): FlameGraph<T>;
    setSearchMatch(f: (node: HierarchyNode<T>, term: string) => boolean): FlameGraph<T>;
    setSearchHandler(f: (results: Array<HierarchyNode<T>>, sum: number, total: number) => void): FlameGraph<T>;
    setDetailsHandler(f: (text: string | null) => void): FlameGraph<T>;
    onClick(f: (node: HierarchyNode<T>) => void): FlameGraph<T>;
    search(term: string): void;
    clear(): void;
    zoomTo(node: HierarchyNode<T>): void;
    resetZoom(): void;
    update(data?: T): FlameGraph<T>;
    destroy(): FlameGraph<T>;
  }
  export default function flamegraph<T>(): FlameGraph<T>;
}

// d3-selection ships no types and @types/d3-selection is not installed: the part flame.ts uses.
declare module 'd3-selection' {
  export interface Selection {
    datum(): unknown;
    datum(value: unknown): Selection;
    call(fn: (selection: Selection) => void): Selection;
    selectAll(selector: string): Selection;
    remove(): Selection;
  }
  export function select(node: Element): Selection;
}
