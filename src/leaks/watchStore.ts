/**
 * Leak watches on disk, so a watch survives closing its page or reloading the window: one directory per
 * watch under a root the caller chooses (the extension passes its workspace storage), holding
 * `watch.json` (service, URL, interval, start) and one gzipped JSON file per snapshot (goroutine groups
 * with their proven leaks, memstats, whether Go's leak detection ran, problems) with the heap profile beside it as the gzipped bytes the
 * service sent. The patterns are the snapshot store's (src/services/snapshotStore.ts): ids from the
 * time, files written whole or not at all (writeAtomic), a cap that drops the oldest. A snapshot file
 * that cannot be read is reported and skipped, never the whole watch; a snapshot is never overwritten.
 * Pure node: the goroutines worker uses it, off the extension host's main thread.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { GoroutineSummary } from '../goroutines/model';
import { decodeProfile } from '../pprof/decode';
import { formatBytes } from '../pprof/sizeLimit';
import { newId, writeAtomic } from '../services/snapshotStore';
import type { LeakDetection } from './leakDetection';
import type { LeakSnapshot, MemSample } from './suspects';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface WatchMeta {
  /** Directory name under the root. */
  id: string;
  service: string;
  baseUrl: string;
  intervalSeconds: number;
  /** Milliseconds since the epoch. */
  startedAt: number;
}

export interface StoredWatchInfo extends WatchMeta {
  snapshots: number;
  /** When a snapshot was last stored (or the watch started). */
  lastAt: number;
}

/** A watch directory whose watch.json is missing or damaged: only deleting it helps. */
export interface UnreadableWatch {
  id: string;
  /** Why, for the user. */
  problem: string;
  lastAt: number;
}

export interface WatchListing {
  /** Most recently active first. */
  watches: StoredWatchInfo[];
  unreadable: UnreadableWatch[];
}

export interface LoadedWatch {
  meta: WatchMeta;
  snapshots: LeakSnapshot[];
  /** Snapshot files that could not be read (named, with why); the rest loaded. */
  problems: string[];
  /** The index the next appended snapshot takes (after every file present, readable or not). */
  nextIndex: number;
}

export const DEFAULT_MAX_WATCHES = 10;
const META_FILE = 'watch.json';
const FORMAT = 1;
const LEAK_DETECTIONS: ReadonlySet<LeakDetection> = new Set(['ran', 'earlier', 'off', 'not offered']);
/** `000012.json.gz`; `000012.json` is what the first stored watches used (plain JSON), still read. */
const SNAPSHOT = /^(\d{6,})\.json(\.gz)?$/;
const WATCH_ID = /^watch-[0-9a-z]+-[0-9a-f]+$/;
/**
 * A stored snapshot is lean (groups keep their first ids: a few megabytes for 100,000 goroutines); a file
 * larger than this, as stored or once unpacked, is not one Goroscope wrote, and a gzip bomb stops here
 * instead of filling the goroutines worker's memory.
 */
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/** One stored snapshot: everything but the heap profile, which is a file of its own. */
interface StoredSnapshot {
  format: number;
  takenAt: number;
  goroutines: GoroutineSummary | null;
  memstats: MemSample | null;
  /**
   * Absent from snapshots stored before Go's `(leaked)` marks were counted per group: those held a
   * `leaked` summary of the whole goroutineleak?debug=2 dump instead, which is not read.
   */
  leakDetection?: LeakDetection | null;
  problems: string[];
  heapFile: string | null;
}

export class WatchStoreError extends Error {
  override readonly name = 'WatchStoreError';
}

export class WatchStore {
  constructor(
    private readonly root: string,
    private readonly maxWatches = DEFAULT_MAX_WATCHES,
  ) {}

  /**
   * Starts a stored watch. Beyond the cap, the least recently active watches are deleted, except those
   * in `keep` (watches still taking snapshots).
   */
  async create(meta: Omit<WatchMeta, 'id'>, keep: ReadonlySet<string> = new Set()): Promise<WatchMeta> {
    const full: WatchMeta = { id: newId('watch', meta.startedAt), ...meta };
    const dir = path.join(this.root, full.id);
    await fs.mkdir(dir, { recursive: true });
    await writeAtomic(path.join(dir, META_FILE), Buffer.from(`${JSON.stringify({ format: FORMAT, ...full }, null, 2)}\n`));
    await this.enforceCap(new Set([...keep, full.id]));
    return full;
  }

  /** Stores snapshot number `index` (0-based) of a watch; `heapBytes` is the heap profile as fetched. */
  async append(id: string, index: number, snapshot: LeakSnapshot, heapBytes?: Uint8Array): Promise<void> {
    const dir = this.dirOf(id);
    const name = String(index).padStart(6, '0');
    const file = path.join(dir, `${name}.json.gz`);
    if (await exists(file)) throw new WatchStoreError(`snapshot ${index} of the stored watch ${id} is already stored`);
    if (!(await exists(path.join(dir, META_FILE)))) throw new WatchStoreError(`the stored watch ${id} was deleted`);
    let heapFile: string | null = null;
    if (heapBytes && snapshot.heap) {
      heapFile = `${name}.heap.pb.gz`;
      await writeAtomic(path.join(dir, heapFile), heapBytes);
    }
    const stored: StoredSnapshot = {
      format: FORMAT,
      takenAt: snapshot.takenAt,
      goroutines: snapshot.goroutines,
      memstats: snapshot.memstats,
      leakDetection: snapshot.leakDetection,
      problems: snapshot.problems,
      heapFile,
    };
    // The snapshot file last: once it is there, everything it names is too.
    await writeAtomic(file, await gzipAsync(JSON.stringify(stored)));
  }

  /** Stored watches, most recently active first; directories whose watch.json cannot be read are listed apart. */
  async list(): Promise<WatchListing> {
    const watches: StoredWatchInfo[] = [];
    const unreadable: UnreadableWatch[] = [];
    for (const id of await this.ids()) {
      const dir = this.dirOf(id);
      const lastAt = await lastActivity(dir);
      try {
        const meta = await this.readMeta(id);
        const files = (await fs.readdir(dir)).filter((f) => SNAPSHOT.test(f));
        watches.push({ ...meta, snapshots: files.length, lastAt: Math.max(lastAt, meta.startedAt) });
      } catch (err) {
        unreadable.push({ id, problem: messageOf(err), lastAt });
      }
    }
    watches.sort((a, b) => b.lastAt - a.lastAt || b.startedAt - a.startedAt);
    unreadable.sort((a, b) => b.lastAt - a.lastAt);
    return { watches, unreadable };
  }

  /** A stored watch with its snapshots in order; unreadable snapshot files are skipped and named in `problems`. */
  async load(id: string): Promise<LoadedWatch> {
    const meta = await this.readMeta(id);
    const files = snapshotFiles(await fs.readdir(this.dirOf(id)));
    const snapshots: LeakSnapshot[] = [];
    const problems: string[] = [];
    for (const { file } of files) {
      try {
        snapshots.push(await this.readSnapshot(id, file));
      } catch (err) {
        problems.push(`${file}: ${messageOf(err)}`);
      }
    }
    const last = files.at(-1);
    return { meta, snapshots, problems, nextIndex: last ? last.index + 1 : 0 };
  }

  async delete(id: string): Promise<void> {
    await fs.rm(this.dirOf(id), { recursive: true, force: true });
  }

  private async readSnapshot(id: string, file: string): Promise<LeakSnapshot> {
    const full = path.join(this.dirOf(id), file);
    const tooLarge = (how: string) => new WatchStoreError(`larger than ${formatBytes(MAX_SNAPSHOT_BYTES)}${how}: not a snapshot Goroscope wrote`);
    if ((await fs.stat(full)).size > MAX_SNAPSHOT_BYTES) throw tooLarge('');
    let bytes: Buffer = await fs.readFile(full);
    if (file.endsWith('.gz')) {
      bytes = await gunzipAsync(bytes, { maxOutputLength: MAX_SNAPSHOT_BYTES }).catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ERR_BUFFER_TOO_LARGE' ? tooLarge(' once unpacked (unpacking stopped there)') : err;
      });
    }
    const stored = parseStoredSnapshot(JSON.parse(bytes.toString('utf8')));
    const problems = [...stored.problems];
    let heap: LeakSnapshot['heap'] = null;
    if (stored.heapFile !== null) {
      try {
        heap = decodeProfile(await fs.readFile(path.join(this.dirOf(id), path.basename(stored.heapFile))));
      } catch (err) {
        problems.push(`heap (stored): ${messageOf(err)}`);
      }
    }
    return { takenAt: stored.takenAt, goroutines: stored.goroutines, heap, memstats: stored.memstats, leakDetection: stored.leakDetection ?? null, problems };
  }

  private async readMeta(id: string): Promise<WatchMeta> {
    let raw: unknown;
    try {
      raw = JSON.parse(await fs.readFile(path.join(this.dirOf(id), META_FILE), 'utf8'));
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      if (missing && !(await exists(this.dirOf(id)))) throw new WatchStoreError(`the stored watch ${id} is gone (deleted, or dropped by the cap on stored watches)`);
      throw new WatchStoreError(`the stored watch ${id} cannot be read (${missing ? `${META_FILE} is missing` : `${META_FILE}: ${messageOf(err)}`})`);
    }
    const m = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<WatchMeta> & { format?: number };
    if (m.format !== FORMAT || typeof m.service !== 'string' || typeof m.baseUrl !== 'string' || typeof m.intervalSeconds !== 'number' || typeof m.startedAt !== 'number') {
      throw new WatchStoreError(`the stored watch ${id} cannot be read (${META_FILE} is not one this version of Goroscope wrote)`);
    }
    return { id, service: m.service, baseUrl: m.baseUrl, intervalSeconds: m.intervalSeconds, startedAt: m.startedAt };
  }

  private async ids(): Promise<string[]> {
    const entries = await fs.readdir(this.root, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory() && WATCH_ID.test(e.name)).map((e) => e.name);
  }

  /** Deletes the least recently active watches beyond the cap, never one in `keep`. */
  private async enforceCap(keep: ReadonlySet<string>): Promise<void> {
    const ids = await this.ids();
    const excess = ids.length - this.maxWatches;
    if (excess <= 0) return;
    const candidates = await Promise.all(ids.filter((id) => !keep.has(id)).map(async (id) => ({ id, lastAt: await lastActivity(this.dirOf(id)) })));
    candidates.sort((a, b) => a.lastAt - b.lastAt || a.id.localeCompare(b.id));
    for (const { id } of candidates.slice(0, excess)) await this.delete(id);
  }

  private dirOf(id: string): string {
    if (!WATCH_ID.test(id)) throw new WatchStoreError(`no stored watch is called ${JSON.stringify(id)}`);
    return path.join(this.root, id);
  }
}

/** Snapshot files in index order (an index stored both ways, which Goroscope never does, counts once). */
function snapshotFiles(names: readonly string[]): Array<{ file: string; index: number }> {
  const byIndex = new Map<number, string>();
  for (const file of names) {
    const m = SNAPSHOT.exec(file);
    if (!m) continue;
    const index = Number(m[1]);
    if (!byIndex.has(index) || file.endsWith('.gz')) byIndex.set(index, file);
  }
  return [...byIndex].sort((a, b) => a[0] - b[0]).map(([index, file]) => ({ file, index }));
}

/** Checks what JSON.parse gave back before anything ranks it: a damaged file is one message, not a TypeError later. */
function parseStoredSnapshot(raw: unknown): StoredSnapshot {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof StoredSnapshot, unknown>>;
  if (s.format !== FORMAT || typeof s.takenAt !== 'number' || !Array.isArray(s.problems) || !s.problems.every((p) => typeof p === 'string')) {
    throw new WatchStoreError('not a snapshot this version of Goroscope wrote');
  }
  if (!isSummaryOrNull(s.goroutines)) throw new WatchStoreError('its goroutine groups are damaged');
  const leakDetection = LEAK_DETECTIONS.has(s.leakDetection as LeakDetection) ? (s.leakDetection as LeakDetection) : null;
  if (!isMemSampleOrNull(s.memstats)) throw new WatchStoreError('its memstats are damaged');
  if (s.heapFile !== null && typeof s.heapFile !== 'string') throw new WatchStoreError('its heap file name is damaged');
  return {
    format: FORMAT,
    takenAt: s.takenAt,
    goroutines: withLeakCounts(s.goroutines),
    memstats: s.memstats,
    leakDetection,
    problems: s.problems as string[],
    heapFile: s.heapFile as string | null,
  };
}

function isSummaryOrNull(x: unknown): x is GoroutineSummary | null {
  if (x === null) return true;
  if (typeof x !== 'object' || x === undefined) return false;
  const s = x as Partial<GoroutineSummary>;
  return (
    typeof s.total === 'number' &&
    typeof s.states === 'object' &&
    s.states !== null &&
    Array.isArray(s.groups) &&
    s.groups.every((g) => typeof g === 'object' && g !== null && typeof g.count === 'number' && typeof g.state === 'string' && Array.isArray(g.frames) && Array.isArray(g.ids))
  );
}

/** Snapshots stored before groups counted proven leaks have no counts: none were proved there. */
function withLeakCounts(summary: GoroutineSummary | null): GoroutineSummary | null {
  if (summary === null) return null;
  let total = 0;
  for (const g of summary.groups) {
    if (typeof g.leaked !== 'number') g.leaked = 0;
    total += g.leaked;
  }
  summary.leaked = total;
  return summary;
}

function isMemSampleOrNull(x: unknown): x is MemSample | null {
  if (x === null) return true;
  if (typeof x !== 'object' || x === undefined) return false;
  const m = x as Record<string, unknown>;
  return ['heapInuse', 'heapAlloc', 'stackInuse', 'numGC'].every((k) => typeof m[k] === 'number');
}

/** A directory's modification time: renaming a snapshot file into it updates it. */
async function lastActivity(dir: string): Promise<number> {
  return fs.stat(dir).then((s) => s.mtimeMs, () => 0);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
