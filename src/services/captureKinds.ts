/**
 * The profiles Go's runtime serves under /debug/pprof/, in one table: the endpoint, the query a capture
 * may send (a CPU profile's duration, a delta window, a GC first, a debug=2 dump), the sample types the
 * profile carries and the one a view shows first, and the command that captures it with its title, its
 * place in the Services view's menu and its palette condition. package.json repeats what VS Code must
 * read without running code (titles, menus, `when` clauses): test/unit/services/captureKinds.test.ts
 * checks it against this table, and test/integration/liveCapture.test.ts checks the endpoints, queries
 * and sample types against a real Go 1.27.3 service.
 *
 * Everything else that knows kinds derives from it: PROFILE_KINDS, DELTA_KINDS and DUMP_KINDS
 * (pprof/endpoints.ts), the CLI's --type, the quick pick of "Capture Profile…", snapshot labels, the
 * Services view's row context and the palette's context keys. Custom profiles (pprof.NewProfile) are
 * captured through "Capture Profile…", which lists whatever the index offers. No vscode import.
 *
 * To add a kind: a row here, then its command in package.json (title, menu, palette) as the test says.
 */
export interface CaptureKind {
  /** As the user and the snapshot store name it. */
  kind: string;
  /** The path under /debug/pprof/. */
  endpoint: string;
  /**
   * What `seconds=N` means to its handler: a CPU profile's duration, the window of a delta capture (the
   * difference over N seconds, Go ≥ 1.16), or nothing the handler accepts.
   */
  seconds: 'duration' | 'delta';
  /** The handler runs a GC first with `gc=1` (heap only). */
  gc?: boolean;
  /** `debug=2` prints stacks like a crash dump (goroutine profiles). */
  dump?: boolean;
  /** The sample types a profile of this kind carries, as Go writes them. */
  sampleTypes: readonly string[];
  /** What a view shows first (the CLI's --type picks it; pprof's own default for the profile otherwise). */
  defaultSampleType: string;
  /** The capture command (package.json), its title there, and the "Capture Profile…" pick's description. */
  command: string;
  title: string;
  description: string;
  /**
   * Not every Go has it: the command shows only on a service whose index page lists the profile (its
   * Services-view row carries `.<kind>` in its contextValue: treeContext.ts; the palette's condition is
   * `goroscope.<kind>Offered`).
   */
  onlyWhenOffered?: boolean;
}

const TABLE = [
  {
    kind: 'cpu',
    endpoint: 'profile',
    seconds: 'duration',
    sampleTypes: ['samples', 'cpu'],
    defaultSampleType: 'cpu',
    command: 'goroscope.services.captureCpu',
    title: 'Capture CPU Profile',
    description: 'CPU time, sampled while the capture runs',
  },
  {
    kind: 'heap',
    endpoint: 'heap',
    seconds: 'delta',
    gc: true,
    sampleTypes: ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'],
    defaultSampleType: 'inuse_space',
    command: 'goroscope.services.captureHeap',
    title: 'Capture Heap Profile…',
    description: 'Live memory at the last GC (inuse/alloc × space/objects)',
  },
  {
    kind: 'allocs',
    endpoint: 'allocs',
    seconds: 'delta',
    sampleTypes: ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'],
    defaultSampleType: 'alloc_space',
    command: 'goroscope.services.captureAllocs',
    title: 'Capture Allocs Profile',
    description: 'Every allocation since the program started',
  },
  {
    kind: 'goroutine',
    endpoint: 'goroutine',
    seconds: 'delta',
    dump: true,
    sampleTypes: ['goroutine'],
    defaultSampleType: 'goroutine',
    command: 'goroscope.services.captureGoroutine',
    title: 'Capture Goroutine Profile',
    description: 'Stacks of all current goroutines',
  },
  {
    kind: 'goroutineleak',
    endpoint: 'goroutineleak',
    seconds: 'delta',
    dump: true,
    sampleTypes: ['goroutineleak'],
    defaultSampleType: 'goroutineleak',
    command: 'goroscope.services.captureGoroutineleak',
    title: 'Capture Goroutine Leak Profile',
    description: 'Goroutines the Go runtime proves leaked (it runs a GC pass first)',
    onlyWhenOffered: true,
  },
  {
    kind: 'block',
    endpoint: 'block',
    seconds: 'delta',
    sampleTypes: ['contentions', 'delay'],
    defaultSampleType: 'delay',
    command: 'goroscope.services.captureBlock',
    title: 'Capture Block Profile',
    description: 'Where goroutines blocked on synchronization',
  },
  {
    kind: 'mutex',
    endpoint: 'mutex',
    seconds: 'delta',
    sampleTypes: ['contentions', 'delay'],
    defaultSampleType: 'delay',
    command: 'goroscope.services.captureMutex',
    title: 'Capture Mutex Profile',
    description: 'Holders of contended mutexes',
  },
  {
    kind: 'threadcreate',
    endpoint: 'threadcreate',
    seconds: 'delta',
    sampleTypes: ['threadcreate'],
    defaultSampleType: 'threadcreate',
    command: 'goroscope.services.captureThreadcreate',
    title: 'Capture Threadcreate Profile',
    description: 'Stacks that created OS threads',
  },
] as const satisfies readonly CaptureKind[];

/** The runtime's profiles, by the name the user gives them. */
export type ProfileKind = (typeof TABLE)[number]['kind'];

/** The table, in the order the Services view's menu lists the kinds. */
export const CAPTURE_KINDS: ReadonlyArray<CaptureKind & { readonly kind: ProfileKind }> = TABLE;

export function captureKind(kind: string): CaptureKind | undefined {
  return CAPTURE_KINDS.find((k) => k.kind === kind);
}

/** `heap`, `cpu 10 s`, `goroutine Δ 5 s` (a delta capture): how a snapshot is named wherever it is listed. */
export function captureLabel(kind: string, seconds: number | undefined): string {
  if (seconds === undefined) return kind;
  return captureKind(kind)?.seconds === 'duration' ? `${kind} ${seconds} s` : `${kind} Δ ${seconds} s`;
}
