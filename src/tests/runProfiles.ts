/**
 * What a profiled test run's profiles say for its result (totals, hottest functions), read in the
 * window's pprof worker under the keys the panel and inline costs open them by: the panel that opens
 * right after, and the inline costs, get the same decode (ProfileWorker.acquire), not one more.
 */
import type { ProfileWorker } from '../pprof/decodeInWorker';
import type { TopRow } from '../pprof/model';
import type { GoTestProfileKind } from './command';
import type { ProfileTotals } from './summary';

export type RunProfileBytes = Partial<Record<GoTestProfileKind, Uint8Array>>;

export interface RunProfiles extends RunProfileBytes {
  totals: ProfileTotals;
  /** The CPU profile's three hottest functions by flat time. */
  hottest: TopRow[];
}

/** Which sample type gives which total, per profile. */
const TOTALS: Record<GoTestProfileKind, Array<{ sampleType: string | undefined; total: keyof ProfileTotals }>> = {
  cpu: [{ sampleType: undefined, total: 'cpuNanos' }],
  mem: [
    { sampleType: 'alloc_space', total: 'allocBytes' },
    { sampleType: 'alloc_objects', total: 'allocObjects' },
  ],
  block: [{ sampleType: 'delay', total: 'blockedNanos' }],
  mutex: [{ sampleType: 'delay', total: 'mutexWaitNanos' }],
};

/**
 * Totals and hottest functions of the run's profiles; a profile that does not decode is left out of
 * the result (and logged). `keyOf` names each profile in the worker as its panel will.
 */
export async function readRunProfiles(worker: ProfileWorker, bytes: RunProfileBytes, keyOf: (kind: GoTestProfileKind) => string, log: (line: string) => void): Promise<RunProfiles> {
  const out: RunProfiles = { totals: {}, hottest: [] };
  for (const kind of ['cpu', 'mem', 'block', 'mutex'] as const) {
    const profile = bytes[kind];
    if (!profile) continue;
    try {
      const held = await worker.acquire(keyOf(kind), () => profile);
      try {
        for (const { sampleType, total } of TOTALS[kind]) {
          const top = await worker.top({ profileId: held.summary.profileId, ...(sampleType ? { sampleIndex: sampleType } : {}) });
          out.totals[total] = top.total;
          if (kind === 'cpu') out.hottest = [...top.rows].sort((a, b) => b.flat - a.flat).slice(0, 3).filter((r) => r.flat > 0);
        }
      } finally {
        // Kept decoded a while after the last holder lets go: the panel opens it next.
        held.release();
      }
      out[kind] = profile;
    } catch (err) {
      log(`the ${kind === 'mem' ? 'memory' : kind === 'cpu' ? 'CPU' : kind} profile of the run does not decode: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}
