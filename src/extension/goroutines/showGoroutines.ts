/**
 * Opens the Goroutines view for a dump's bytes: parsing and clustering in the goroutines worker, then
 * the page, then the static findings on the groups' frames (sent to the page when they arrive).
 */
import * as vscode from 'vscode';
import type { GoroutinesWorker } from '../../goroutines/analyzeInWorker';
import { linkFindings } from '../../goroutines/view';
import type { GoroutinesView } from '../../protocol/goroutinesView';
import { goroutinesHost, goroutinesPage } from '../../protocol/goroutinesPage';
import { openFrameSource, sourcePathMapper } from '../panel/openSource';
import type { ServerRequests } from '../../protocol/serverRequests';
import { collectFindings } from './findings';
import { GoroutinesPage } from './page';

export interface GoroutinesEnv {
  extensionUri: vscode.Uri;
  /** The language server: static findings on the frames. */
  server: ServerRequests;
  worker: GoroutinesWorker;
  log: (line: string) => void;
  /**
   * Whether Go's leak detection may run now for the service at this pprof base URL (the goroutineleak
   * profile's GC pass): the window's GoroutineLeakPolicy under goroscope.leaks.goroutineLeakProfile,
   * shared by Show Goroutines and every leak watch. A `ran` answer claims the pass.
   */
  leakPass(baseUrl: string): 'ran' | 'earlier' | 'off';
}

export interface DumpInput {
  title: string;
  /** Where the goroutines come from, in words. */
  source: string;
  dump: Uint8Array;
  /** A debug=1 (or debug=0) profile of the same moment, for pprof labels. */
  labels?: Uint8Array;
}

/** What the commands resolve to: the view as first sent, and a promise of it with its findings. */
export interface ShownGoroutines {
  view: GoroutinesView;
  withFindings: Promise<GoroutinesView>;
}

export async function showGoroutines(env: GoroutinesEnv, input: DumpInput): Promise<ShownGoroutines> {
  const mapper = await sourcePathMapper();
  const view = await env.worker.analyze({
    dump: input.dump,
    ...(input.labels ? { labels: input.labels } : {}),
    source: { title: input.title, source: input.source, userModules: mapper.modules.map((m) => m.path), canOpenSource: true },
  });
  let current: GoroutinesView = { ...view, findingsStatus: 'Looking for static findings on these stacks…' };
  const page = new GoroutinesPage(
    env.extensionUri,
    'goroutines',
    input.title,
    {
      host: goroutinesHost,
      page: goroutinesPage,
      requests: {
        ready: async () => current,
        openSource: async (m) => {
          const note = await openFrameSource(m.function, m.file, m.line);
          return note === undefined ? {} : { note };
        },
      },
    },
    env.log,
  );
  const withFindings = collectFindings(current.groups, mapper.map, mapper.modules, env.server).then(
    (findings) => {
      const groups = current.groups.map((g) => ({ ...g }));
      const linked = linkFindings(groups, findings, mapper.map);
      const withGroups = groups.filter((g) => g.findings.length > 0).length;
      const status =
        linked === 0
          ? 'No static findings on these stacks.'
          : `${linked} static finding${linked === 1 ? '' : 's'} on the stacks of ${withGroups} group${withGroups === 1 ? '' : 's'}.`;
      return { ...current, groups, findingsStatus: status, findingsChecked: true };
    },
    (err: unknown) => {
      const text = err instanceof Error ? err.message : String(err);
      env.log(`goroutines: findings: ${text}`);
      return { ...current, findingsStatus: `Static findings unavailable: ${text}` };
    },
  );
  void withFindings.then((next) => {
    current = next;
    page.notify('view', current);
  });
  return { view, withFindings };
}
