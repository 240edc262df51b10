/** Which sample type a view shows: pprof's default, or one picked by name or number (-sample_index). */
import { ProfileError } from './errors';
import type { SampleType } from './model';

interface HasSampleTypes {
  sampleTypes: SampleType[];
  defaultSampleIndex: number;
}

/** The index pprof shows by default: default_sample_type when the profile names one, else the last type. */
export function defaultSampleIndex(sampleTypes: readonly SampleType[], defaultSampleType = ''): number {
  if (defaultSampleType !== '') {
    const named = sampleTypes.findIndex((t) => t.type === defaultSampleType);
    if (named >= 0) return named;
  }
  return Math.max(0, sampleTypes.length - 1);
}

/**
 * Resolves `--sample-index`: a type name (`inuse_space`), a number (`3`, as pprof also accepts), or
 * undefined for the profile's default. Throws ProfileError naming the types the profile has.
 */
export function resolveSampleIndex(profile: HasSampleTypes, wanted?: string | number): number {
  const types = profile.sampleTypes;
  if (types.length === 0) throw new ProfileError('the profile has no sample types');
  if (wanted === undefined || wanted === '') return profile.defaultSampleIndex;
  if (typeof wanted === 'number' || /^\d+$/.test(wanted)) {
    const i = Number(wanted);
    if (i < types.length) return i;
    throw new ProfileError(`sample index ${i} is out of range (the profile has ${types.length}: ${typeNames(types)})`);
  }
  const i = types.findIndex((t) => t.type === wanted);
  if (i >= 0) return i;
  throw new ProfileError(`the profile has no sample type "${wanted}" (it has ${typeNames(types)})`);
}

/** The index of the same sample type in another profile (a diff base), by type name. */
export function matchingSampleIndex(base: HasSampleTypes, type: SampleType): number {
  const i = base.sampleTypes.findIndex((t) => t.type === type.type);
  if (i < 0) throw new ProfileError(`the base profile has no sample type "${type.type}" (it has ${typeNames(base.sampleTypes)})`);
  const found = base.sampleTypes[i] as SampleType;
  if (found.unit !== type.unit) {
    throw new ProfileError(`the base profile measures ${type.type} in ${found.unit}, not ${type.unit}`);
  }
  return i;
}

function typeNames(types: readonly SampleType[]): string {
  return types.map((t) => t.type).join(', ');
}
