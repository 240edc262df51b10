/**
 * Leak watches on disk, so a watch survives closing its page or reloading the window: one directory per
 * watch under a root the caller chooses (the extension passes its workspace storage), holding
 * `watch.json` (service, URL, interval, start) and one JSON file per snapshot (goroutine groups, memstats,
 * goroutineleak groups, problems) with the heap profile beside it as the gzipped bytes the service sent.
 * Files are written whole or not at all (writeAtomic); a snapshot file that cannot be read is reported
 * and skipped, never the whole watch. The oldest watches go when there are more than the cap. Pure node:
 * the goroutines worker uses it, off the extension host's main thread.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { decodeProfile } from '../pprof/decode';
import { writeAtomic } from '../services/snapshotStore';
import type { LeakSnapshot } from './suspects';

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
  /** Time of the last stored snapshot, or the start. */
  lastAt: number;
}

export interface LoadedWatch {
  meta: WatchMeta;
  snapshots: LeakSnapshot[];
  /** Snapshot files that could not be read (named, with why); the rest loaded. */
  problems: string[];
  /** The index the next appended snapshot takes. */
  nextIndex: number;
}

export const DEFAULT_MAX_WATCHES = 10;
const META_FILE = 'watch.json';
const FORMAT = 1;
const SNAPSHOT = /^(\d{6})\.json$/;

/** One stored snapshot: everything but the heap profile, which is a file of its own. */
interface StoredSnapshot {
  format: number;
  takenAt: number;
  goroutines: LeakSnapshot['goroutines'];
  memstats: LeakSnapshot['memstats'];
  leaked: LeakSnapshot['leaked'];
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

  /** Starts a stored watch; drops the oldest watches beyond the cap. */
  async create(meta: Omit<WatchMeta, 'id'>): Promise<WatchMeta> {
    const stamp = Math.max(0, Math.floor(meta.startedAt)).toString(36).padStart(9, '0');
    const full: WatchMeta = { id: `watch-${stamp}-${randomBytes(3).toString('hex')}`, ...meta };
    const dir = path.join(this.root, full.id);
    await fs.mkdir(dir, { recursive: true });
    await writeAtomic(path.join(dir, META_FILE), Buffer.from(`${JSON.stringify({ format: FORMAT, ...full }, null, 2)}\n`));
    await this.enforceCap(full.id);
    return full;
  }

  /** Stores snapshot number `index` (0-based) of a watch; `heapBytes` is the heap profile as fetched. */
  async append(id: string, index: number, snapshot: LeakSnapshot, heapBytes?: Uint8Array): Promise<void> {
    const dir = this.dirOf(id);
    const name = String(index).padStart(6, '0');
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
      leaked: snapshot.leaked,
      problems: snapshot.problems,
      heapFile,
    };
    await writeAtomic(path.join(dir, `${name}.json`), Buffer.from(JSON.stringify(stored)));
  }

  /** Stored watches, newest first; a watch whose watch.json is unreadable is left out. */
  async list(): Promise<StoredWatchInfo[]> {
    const out: StoredWatchInfo[] = [];
    for (const id of await this.ids()) {
      const meta = await this.readMeta(id).catch(() => undefined);
      if (!meta) continue;
      const files = (await fs.readdir(this.dirOf(id)).catch(() => [] as string[])).filter((f) => SNAPSHOT.test(f)).sort();
      const last = files.at(-1);
      const lastAt = last ? await fs.stat(path.join(this.dirOf(id), last)).then((s) => s.mtimeMs, () => meta.startedAt) : meta.startedAt;
      out.push({ ...meta, snapshots: files.length, lastAt });
    }
    return out.sort((a, b) => b.startedAt - a.startedAt);
  }

  /** A stored watch with its snapshots in order; unreadable snapshot files are skipped and named in `problems`. */
  async load(id: string): Promise<LoadedWatch> {
    const meta = await this.readMeta(id);
    const files = (await fs.readdir(this.dirOf(id))).filter((f) => SNAPSHOT.test(f)).sort();
    const snapshots: LeakSnapshot[] = [];
    const problems: string[] = [];
    for (const file of files) {
      try {
        snapshots.push(await this.readSnapshot(id, file));
      } catch (err) {
        problems.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const last = files.at(-1);
    return { meta, snapshots, problems, nextIndex: last ? Number(SNAPSHOT.exec(last)?.[1]) + 1 : 0 };
  }

  async delete(id: string): Promise<void> {
    await fs.rm(this.dirOf(id), { recursive: true, force: true });
  }

  private async readSnapshot(id: string, file: string): Promise<LeakSnapshot> {
    const stored = JSON.parse(await fs.readFile(path.join(this.dirOf(id), file), 'utf8')) as Partial<StoredSnapshot>;
    if (stored.format !== FORMAT || typeof stored.takenAt !== 'number' || !Array.isArray(stored.problems)) {
      throw new WatchStoreError('not a snapshot this version of Goroscope wrote');
    }
    const problems = [...stored.problems];
    let heap: LeakSnapshot['heap'] = null;
    if (typeof stored.heapFile === 'string') {
      try {
        heap = decodeProfile(await fs.readFile(path.join(this.dirOf(id), path.basename(stored.heapFile))));
      } catch (err) {
        problems.push(`heap (stored): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { takenAt: stored.takenAt, goroutines: stored.goroutines ?? null, heap, memstats: stored.memstats ?? null, leaked: stored.leaked ?? null, problems };
  }

  private async readMeta(id: string): Promise<WatchMeta> {
    let raw: unknown;
    try {
      raw = JSON.parse(await fs.readFile(path.join(this.dirOf(id), META_FILE), 'utf8'));
    } catch (err) {
      throw new WatchStoreError(`the stored watch ${id} cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
    const m = raw as Partial<WatchMeta> & { format?: number };
    if (m.format !== FORMAT || typeof m.service !== 'string' || typeof m.baseUrl !== 'string' || typeof m.intervalSeconds !== 'number' || typeof m.startedAt !== 'number') {
      throw new WatchStoreError(`the stored watch ${id} is not one this version of Goroscope wrote`);
    }
    return { id, service: m.service, baseUrl: m.baseUrl, intervalSeconds: m.intervalSeconds, startedAt: m.startedAt };
  }

  private async ids(): Promise<string[]> {
    const entries = await fs.readdir(this.root, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory() && e.name.startsWith('watch-')).map((e) => e.name).sort();
  }

  private async enforceCap(keep: string): Promise<void> {
    const ids = (await this.ids()).filter((id) => id !== keep); // oldest first: names start with the start time
    const excess = ids.length + 1 - this.maxWatches;
    for (const id of ids.slice(0, Math.max(0, excess))) await this.delete(id);
  }

  private dirOf(id: string): string {
    if (!/^watch-[0-9a-z]+-[0-9a-f]+$/.test(id)) throw new WatchStoreError(`no stored watch is called ${JSON.stringify(id)}`);
    return path.join(this.root, id);
  }
}
