/** Messages between decodeInWorker.ts (extension host or CLI) and worker.ts (dist/pprofWorker.js). */
import type { LineCostsResult } from './lineCosts';
import type { FlameNode, Profile, SampleType, TopRow, ViewFilter } from './model';
import type { SizeLimit } from './sizeLimit';

/** What a view asks for: sample type (name or index; default as pprof), filters, inversion, diff base. */
export interface ViewRequest {
  profileId: number;
  sampleIndex?: string | number;
  filter?: ViewFilter;
  inverted?: boolean;
  /** Another open profile to subtract (pprof -diff_base). */
  baseId?: number;
}

export interface ProfileSummary {
  profileId: number;
  sampleTypes: SampleType[];
  defaultSampleIndex: number;
  periodType: SampleType | null;
  period: number;
  timeNanos: number;
  durationNanos: number;
  sampleCount: number;
  comments: string[];
}

export interface TreeResult {
  /** Ask for deeper parts of this tree with `subtree(treeId, nodeId)`. */
  treeId: number;
  sampleType: SampleType;
  sampleIndex: number;
  /** Root total: the sum of the sample type over the kept samples. */
  total: number;
  root: FlameNode;
}

export interface SubtreeResult {
  root: FlameNode;
  /** Node ids from the tree's root to this node, for breadcrumbs. */
  path: number[];
}

export interface TopResultMessage {
  sampleType: SampleType;
  sampleIndex: number;
  total: number;
  rows: TopRow[];
}

export type WorkerRequest =
  | { id: number; op: 'open'; bytes: Uint8Array; limit?: SizeLimit }
  | { id: number; op: 'decode'; bytes: Uint8Array; limit?: SizeLimit }
  | ({ id: number; op: 'tree'; minFraction: number } & ViewRequest)
  | { id: number; op: 'subtree'; treeId: number; nodeId: number; minFraction: number }
  | ({ id: number; op: 'top' } & ViewRequest)
  | ({ id: number; op: 'folded' } & ViewRequest)
  | { id: number; op: 'search'; treeId: number; pattern: string }
  | ({ id: number; op: 'lineCosts' } & ViewRequest)
  | { id: number; op: 'labels'; profileId: number }
  | { id: number; op: 'close'; profileId: number };

export interface WorkerResults {
  open: ProfileSummary;
  decode: Profile;
  tree: TreeResult;
  subtree: SubtreeResult;
  top: TopResultMessage;
  folded: string;
  search: { matched: number; total: number };
  lineCosts: LineCostsResult;
  /** String label keys with their distinct values. */
  labels: Record<string, string[]>;
  close: null;
}

export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string } };
