/**
 * Pruning a flame tree to what can be seen: a box far below a pixel is folded into its parent,
 * which is marked `truncated`; the webview asks for a node's subtree (by id) when the user zooms.
 */
import type { FlameNode } from './model';

/**
 * How big a node is for pruning: its total, or with a diff base the larger of the two sides, so a
 * path that shrank to nothing still shows.
 */
export function magnitudeOf(total: number, baseTotal?: number): number {
  return baseTotal === undefined ? Math.abs(total) : Math.max(Math.abs(total), Math.abs(baseTotal));
}

export function isVisible(magnitude: number, threshold: number): boolean {
  return magnitude > 0 && magnitude >= threshold;
}

function magnitudeOfNode(node: FlameNode): number {
  return magnitudeOf(node.total, node.delta === undefined ? undefined : node.total - node.delta);
}

/**
 * A copy of `root` without the descendants whose magnitude is below `minFraction` of root's;
 * nodes that lost children get `truncated: true`. Ids are kept, so a subtree can be asked for later.
 */
export function pruneFlameTree(root: FlameNode, minFraction: number): FlameNode {
  const threshold = magnitudeOfNode(root) * minFraction;
  const copy = (node: FlameNode): FlameNode => {
    const out: FlameNode = { ...node, children: [] };
    for (const child of node.children) {
      if (isVisible(magnitudeOfNode(child), threshold)) out.children.push(copy(child));
      else out.truncated = true;
    }
    return out;
  };
  return copy(root);
}

/** The node with this id in a (complete) tree, or undefined. */
export function findFlameNode(root: FlameNode, id: number): FlameNode | undefined {
  const stack: FlameNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as FlameNode;
    if (node.id === id) return node;
    for (const child of node.children) stack.push(child);
  }
  return undefined;
}

/** The subtree at `id`, pruned relative to that node: what the webview gets when the user zooms in. */
export function flameSubtree(root: FlameNode, id: number, minFraction: number): FlameNode | undefined {
  const node = findFlameNode(root, id);
  return node && pruneFlameTree(node, minFraction);
}

/**
 * Boxes narrower than this share of the zoomed frame are folded into their parent before a tree is sent
 * to a page that has not said how wide its graph is: under a pixel at up to 2,500 px of graph width.
 */
export const PRUNE_FRACTION = 1 / 2500;

/** Graph widths pruneFraction believes: narrower is still pruned for 400 px, wider for 4,000 px. */
const GRAPH_WIDTH_RANGE = [400, 4000] as const;

/** pruneFraction's smallest answer: a tree pruned this finely serves a graph of any width. */
export const FINEST_PRUNE_FRACTION = 1 / GRAPH_WIDTH_RANGE[1];

/**
 * The share of the zoomed frame under which boxes are folded into their parent, for a graph this many
 * CSS pixels wide: one pixel. The graph draws nothing narrower than a pixel (FlameView's minFrameSize), so
 * the page gets what it draws and no more; a zoom fetches the folded part (expandNode), a wider graph
 * asks again (setGraphWidth).
 */
export function pruneFraction(graphWidth: number | undefined): number {
  if (graphWidth === undefined || !Number.isFinite(graphWidth)) return PRUNE_FRACTION;
  return 1 / Math.min(GRAPH_WIDTH_RANGE[1], Math.max(GRAPH_WIDTH_RANGE[0], graphWidth));
}
