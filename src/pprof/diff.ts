/**
 * Comparing two snapshots with pprof's -diff_base meaning: the base's values are subtracted from the
 * profile's, per function (top) and per path (the flame tree's `delta`). Positive is growth,
 * negative shrinkage — "what grew between these two heap snapshots".
 */
import type { Profile, SampleType, TopRow, ViewFilter } from './model';
import { packProfile, type PackedProfile } from './packed';
import { topFunctions } from './top';

export interface DiffSummary {
  sampleType: SampleType;
  /** Profile total minus base total. */
  delta: number;
  /** Sum of the flat increases, and of the flat decreases (≤ 0). */
  growth: number;
  shrinkage: number;
  /** Functions whose flat value grew, largest growth first. */
  grew: TopRow[];
  /** Functions whose flat value shrank, largest shrinkage first (flat < 0). */
  shrank: TopRow[];
}

export function diffProfiles(
  profile: Profile | PackedProfile,
  base: Profile | PackedProfile,
  sampleIndex: number,
  filter?: ViewFilter,
): DiffSummary {
  const packed = packProfile(profile);
  const { total, rows } = topFunctions(packed, sampleIndex, filter, { base });
  const grew = rows.filter((r) => r.flat > 0).sort((a, b) => b.flat - a.flat);
  const shrank = rows.filter((r) => r.flat < 0).sort((a, b) => a.flat - b.flat);
  return {
    sampleType: packed.sampleTypes[sampleIndex] as SampleType,
    delta: total,
    growth: grew.reduce((sum, r) => sum + r.flat, 0),
    shrinkage: shrank.reduce((sum, r) => sum + r.flat, 0),
    grew,
    shrank,
  };
}
