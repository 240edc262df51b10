/**
 * The capture kinds the Services view offers, in one table: the profile, its command (package.json
 * `contributes.commands`, checked against this table by test/unit/services/servicesMenus.test.ts), what
 * it shows, and whether the command is offered only for a service whose index page lists the profile.
 * Custom profiles are captured through "Capture Profile…", which lists whatever the index offers.
 */
export interface CaptureKind {
  kind: string;
  command: string;
  /** In the "Capture Profile…" quick pick. */
  description: string;
  /**
   * Not every Go has it: the command shows only on a service whose index page lists the profile (its
   * Services-view row carries `.<kind>` in its contextValue: treeContext.ts).
   */
  onlyWhenOffered?: boolean;
}

export const CAPTURE_KINDS: readonly CaptureKind[] = [
  { kind: 'cpu', command: 'goroscope.services.captureCpu', description: 'CPU time, sampled while the capture runs' },
  { kind: 'heap', command: 'goroscope.services.captureHeap', description: 'Live memory at the last GC (inuse/alloc × space/objects)' },
  { kind: 'allocs', command: 'goroscope.services.captureAllocs', description: 'Every allocation since the program started' },
  { kind: 'goroutine', command: 'goroscope.services.captureGoroutine', description: 'Stacks of all current goroutines' },
  {
    kind: 'goroutineleak',
    command: 'goroscope.services.captureGoroutineleak',
    description: 'Goroutines the Go runtime proves leaked (it runs a GC pass first)',
    onlyWhenOffered: true,
  },
  { kind: 'block', command: 'goroscope.services.captureBlock', description: 'Where goroutines blocked on synchronization' },
  { kind: 'mutex', command: 'goroscope.services.captureMutex', description: 'Holders of contended mutexes' },
  { kind: 'threadcreate', command: 'goroscope.services.captureThreadcreate', description: 'Stacks that created OS threads' },
];

export function captureKind(kind: string): CaptureKind | undefined {
  return CAPTURE_KINDS.find((k) => k.kind === kind);
}
