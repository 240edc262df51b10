/**
 * Brendan Gregg's folded stacks: one line per distinct stack, `root;caller;…;leaf value`, the format
 * flamegraph.pl, speedscope and inferno read. Frames are function names; identical stacks are summed.
 */
import { forEachStack, viewProfile } from './filter';
import type { Profile, ViewFilter } from './model';
import type { PackedProfile } from './packed';

export function foldedStacks(profile: Profile | PackedProfile, sampleIndex: number, filter?: ViewFilter): string {
  const view = viewProfile(profile, sampleIndex, filter);
  const { frameFunction, functions } = view.profile;
  // A ';' or a line break inside an (untrusted) name would split a frame or a line: replace them.
  const names = functions.map((fn) => fn.name.replace(/[;\r\n]/g, '_') || '?');
  const frameName = Array.from({ length: frameFunction.length }, (_, f) => names[frameFunction[f] as number] as string);
  const sums = new Map<string, number>();
  forEachStack(view, (stack, depth, value) => {
    const parts = new Array<string>(depth);
    for (let i = 0; i < depth; i++) parts[i] = frameName[stack[depth - 1 - i] as number] as string;
    const key = parts.join(';');
    sums.set(key, (sums.get(key) ?? 0) + value);
  });
  const lines = [...sums].filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return lines.map(([stack, value]) => `${stack} ${value}\n`).join('');
}
