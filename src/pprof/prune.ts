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
