/**
 * The session's ProfileEngine over the pprof worker (dist/pprofWorker.js): decoding and tree
 * building never run on the extension host's main thread. No vscode import.
 */
import { ProfileWorker } from '../../pprof/decodeInWorker';
import { compileGoRegexp } from '../../pprof/goRegexp';
import type { ViewRequest } from '../../pprof/workerProtocol';
import type { ProfileEngine } from './session';

type SearchCapable = { search(treeId: number, pattern: string): Promise<{ matched: number; total: number }> };

export function workerEngine(worker: ProfileWorker): ProfileEngine {
  // Folded stacks of the last searched view, so typing a search does not rebuild them per keystroke.
  let folded: { key: string; text: Promise<string> } | undefined;
  return {
    open: (bytes) => worker.open(bytes),
    tree: (request) => worker.tree(request),
    subtree: (treeId, nodeId, minFraction) => worker.subtree(treeId, nodeId, minFraction),
    top: (request) => worker.top(request),
    close: async (profileId) => {
      await worker.close(profileId);
    },
    async search(treeId, request, pattern) {
      const direct = worker as unknown as Partial<SearchCapable>;
      if (typeof direct.search === 'function') return direct.search(treeId, pattern);
      // Until the worker answers searches itself: the share of samples with a matching frame, from folded stacks.
      const plain: ViewRequest = { profileId: request.profileId, filter: request.filter ?? {} };
      if (request.sampleIndex !== undefined) plain.sampleIndex = request.sampleIndex;
      const key = JSON.stringify(plain);
      if (folded?.key !== key) folded = { key, text: worker.folded(plain) };
      return searchFolded(await folded.text, compileGoRegexp(pattern, 'search'));
    },
  };
}

/** Matched and total value over folded stacks (`a;b;c value` lines): a stack counts once if any frame matches. */
export function searchFolded(text: string, re: RegExp): { matched: number; total: number } {
  const verdicts = new Map<string, boolean>();
  let matched = 0;
  let total = 0;
  for (const line of text.split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space < 0) continue;
    const value = Number(line.slice(space + 1));
    if (!Number.isFinite(value)) continue;
    total += value;
    for (const frame of line.slice(0, space).split(';')) {
      let hit = verdicts.get(frame);
      if (hit === undefined) {
        hit = re.test(frame);
        verdicts.set(frame, hit);
      }
      if (hit) {
        matched += value;
        break;
      }
    }
  }
  return { matched, total };
}
