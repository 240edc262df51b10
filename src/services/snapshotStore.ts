/**
 * Captured profiles on disk: each snapshot's raw bytes (gzipped profile.proto, exactly as the service
 * sent them) in its own file, and one JSON index describing them, in a directory the caller chooses (the
 * extension passes its workspace storage, so snapshots survive a reload). Writes go to a temporary file
 * and are renamed into place, the snapshot file before the index, so a failure or a crash never loses a
 * snapshot that was already stored. Operations run one at a time.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface Snapshot {
  id: string;
  serviceName: string;
  /** `cpu`, `heap`, `allocs`, `goroutine`, `block`, `mutex`, `threadcreate` or a custom profile's name. */
  kind: string;
  /** Milliseconds since the epoch. */
  takenAt: number;
  sizeBytes: number;
  /** Absolute path of the profile file. */
  file: string;
  /** The URL it was fetched from (no credentials). */
  url: string;
  /** Duration of a CPU or delta capture. */
  seconds?: number;
  /** The sample type the user asked to see (`alloc_space`…); the profile's default otherwise. */
  sampleIndexHint?: string;
}

/** What the caller provides when adding a snapshot; the store assigns id, file and size. */
export type NewSnapshot = Omit<Snapshot, 'id' | 'file' | 'sizeBytes'>;

export interface SnapshotStoreOptions {
  /** Most snapshots kept; adding one more drops the oldest. Default 50. */
  maxSnapshots?: number;
}

export const DEFAULT_MAX_SNAPSHOTS = 50;
const INDEX_FILE = 'index.json';
const INDEX_VERSION = 1;
const PROFILE_SUFFIX = '.pb.gz';

export class SnapshotStoreError extends Error {
  override readonly name = 'SnapshotStoreError';
}

/** The index as stored: file names relative to the directory, so the directory can move. */
interface StoredIndex {
  version: number;
  snapshots: (Omit<Snapshot, 'file'> & { file: string })[];
}

export class SnapshotStore {
  private snapshots: Snapshot[] = [];
  private maxSnapshots: number;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  /** Messages about what loading found (a corrupt index set aside, missing files dropped). */
  readonly warnings: string[] = [];

  private constructor(
    readonly dir: string,
    opts: SnapshotStoreOptions,
  ) {
    this.maxSnapshots = validCap(opts.maxSnapshots ?? DEFAULT_MAX_SNAPSHOTS);
  }

  /** Open (creating the directory if needed) and load what an earlier session stored. */
  static async open(dir: string, opts: SnapshotStoreOptions = {}): Promise<SnapshotStore> {
    const store = new SnapshotStore(path.resolve(dir), opts);
    await fs.mkdir(store.dir, { recursive: true });
    await store.reload();
    return store;
  }

  /** Newest first. */
  list(): Snapshot[] {
    return [...this.snapshots].sort((a, b) => b.takenAt - a.takenAt || b.id.localeCompare(a.id));
  }

  get(id: string): Snapshot | undefined {
    return this.snapshots.find((s) => s.id === id);
  }

  /** Called after every change (add, delete, reload, cap). Returns a function that unsubscribes. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-read the index from disk (another session may have written it). */
  reload(): Promise<void> {
    return this.serialize(async () => {
      this.snapshots = await this.load();
      await this.enforceCap();
      this.changed();
    });
  }

  /** Store a profile's bytes and describe it in the index; drops the oldest snapshots beyond the cap. */
  add(meta: NewSnapshot, bytes: Uint8Array): Promise<Snapshot> {
    return this.serialize(async () => {
      const id = newId(meta.kind, meta.takenAt);
      const fileName = `${id}${PROFILE_SUFFIX}`;
      const file = path.join(this.dir, fileName);
      await writeAtomic(file, bytes);
      const snapshot: Snapshot = { ...meta, id, file, sizeBytes: bytes.byteLength };
      const before = this.snapshots;
      this.snapshots = [...before, snapshot];
      try {
        await this.writeIndex();
      } catch (err) {
        this.snapshots = before;
        await fs.rm(file, { force: true });
        throw new SnapshotStoreError(`could not record the snapshot in ${path.join(this.dir, INDEX_FILE)}: ${message(err)}`);
      }
      await this.enforceCap();
      this.changed();
      return snapshot;
    });
  }

  /** The profile's bytes. */
  async read(id: string): Promise<Uint8Array> {
    const snapshot = this.require(id);
    try {
      return new Uint8Array(await fs.readFile(snapshot.file));
    } catch (err) {
      throw new SnapshotStoreError(`snapshot ${id}: cannot read ${snapshot.file}: ${message(err)}`);
    }
  }

  /** Copy the profile to a file the user chose (`heap.pb.gz`): the same bytes the service sent. */
  saveAs(id: string, destination: string): Promise<void> {
    return this.serialize(async () => {
      const snapshot = this.require(id);
      try {
        await fs.copyFile(snapshot.file, destination);
      } catch (err) {
        throw new SnapshotStoreError(`cannot save snapshot ${id} to ${destination}: ${message(err)}`);
      }
    });
  }

  delete(id: string): Promise<void> {
    return this.serialize(async () => {
      const snapshot = this.require(id);
      this.snapshots = this.snapshots.filter((s) => s.id !== id);
      await this.writeIndex();
      await fs.rm(snapshot.file, { force: true });
      this.changed();
    });
  }

  /** Change the cap (the setting changed); drops the oldest snapshots beyond it. */
  setMaxSnapshots(max: number): Promise<void> {
    return this.serialize(async () => {
      this.maxSnapshots = validCap(max);
      if (await this.enforceCap()) this.changed();
    });
  }

  private require(id: string): Snapshot {
    const snapshot = this.get(id);
    if (!snapshot) throw new SnapshotStoreError(`no snapshot with id ${JSON.stringify(id)} (it may have been deleted or dropped by the cap)`);
    return snapshot;
  }

  private serialize<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the store's state is already consistent.
      }
    }
  }

  /** Drop the oldest snapshots beyond the cap: index first, then files. Returns whether anything was dropped. */
  private async enforceCap(): Promise<boolean> {
    if (this.snapshots.length <= this.maxSnapshots) return false;
    const newestFirst = this.list();
    const dropped = newestFirst.slice(this.maxSnapshots);
    this.snapshots = newestFirst.slice(0, this.maxSnapshots);
    await this.writeIndex();
    await Promise.all(dropped.map((s) => fs.rm(s.file, { force: true })));
    return true;
  }

  private async writeIndex(): Promise<void> {
    const index: StoredIndex = {
      version: INDEX_VERSION,
      snapshots: this.list().map((s) => ({ ...s, file: path.basename(s.file) })),
    };
    await writeAtomic(path.join(this.dir, INDEX_FILE), Buffer.from(`${JSON.stringify(index, null, 2)}\n`));
  }

  /** Read the index; set a corrupt one aside; adopt profile files the index does not know; drop entries whose file is gone. */
  private async load(): Promise<Snapshot[]> {
    const indexPath = path.join(this.dir, INDEX_FILE);
    let entries: Snapshot[] = [];
    let text: string | undefined;
    try {
      text = await fs.readFile(indexPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SnapshotStoreError(`cannot read ${indexPath}: ${message(err)}`);
    }
    if (text !== undefined) {
      const parsed = parseIndex(text, this.dir);
      if (parsed) {
        entries = parsed;
      } else {
        const aside = `${indexPath}.corrupt-${Date.now()}`;
        await fs.rename(indexPath, aside);
        this.warnings.push(`the snapshot index was unreadable; it was moved to ${aside} and the snapshots were recovered from their files`);
      }
    }
    const files = await fs.readdir(this.dir);
    const present = new Set(files);
    const known = new Set(entries.map((e) => path.basename(e.file)));
    const kept = entries.filter((e) => {
      if (present.has(path.basename(e.file))) return true;
      this.warnings.push(`snapshot ${e.id}: its file ${e.file} is gone; it was removed from the list`);
      return false;
    });
    for (const name of files) {
      if (name.endsWith('.tmp')) {
        await fs.rm(path.join(this.dir, name), { force: true });
        continue;
      }
      if (!name.endsWith(PROFILE_SUFFIX) || known.has(name)) continue;
      const recovered = await recover(this.dir, name);
      if (recovered) kept.push(recovered);
    }
    if (kept.length !== entries.length || text === undefined || kept.some((e) => !known.has(path.basename(e.file)))) {
      this.snapshots = kept;
      if (kept.length > 0 || text !== undefined) await this.writeIndex();
    }
    return kept;
  }
}

function parseIndex(text: string, dir: string): Snapshot[] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || !Array.isArray((data as StoredIndex).snapshots)) return undefined;
  const out: Snapshot[] = [];
  for (const raw of (data as StoredIndex).snapshots as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const e = raw as Record<string, unknown>;
    if (typeof e.id !== 'string' || typeof e.file !== 'string' || typeof e.kind !== 'string') continue;
    // Only files inside the store's directory: the index is data, not a way to point at other files.
    const base = path.basename(e.file);
    if (base !== e.file || !base.endsWith(PROFILE_SUFFIX)) continue;
    const snapshot: Snapshot = {
      id: e.id,
      serviceName: typeof e.serviceName === 'string' ? e.serviceName : 'unknown',
      kind: e.kind,
      takenAt: typeof e.takenAt === 'number' ? e.takenAt : 0,
      sizeBytes: typeof e.sizeBytes === 'number' ? e.sizeBytes : 0,
      file: path.join(dir, base),
      url: typeof e.url === 'string' ? e.url : '',
    };
    if (typeof e.seconds === 'number') snapshot.seconds = e.seconds;
    if (typeof e.sampleIndexHint === 'string') snapshot.sampleIndexHint = e.sampleIndexHint;
    out.push(snapshot);
  }
  return out;
}

/** Rebuild an index entry from a file name (`heap-lx3k9a2-1a2b3c.pb.gz`) and its modification time. */
async function recover(dir: string, name: string): Promise<Snapshot | undefined> {
  const id = name.slice(0, -PROFILE_SUFFIX.length);
  const match = /^(.+)-([0-9a-z]+)-[0-9a-f]{8}$/.exec(id);
  if (!match) return undefined;
  const file = path.join(dir, name);
  const stat = await fs.stat(file);
  const takenAt = parseInt(match[2] ?? '', 36);
  return {
    id,
    serviceName: 'recovered',
    kind: match[1] ?? 'unknown',
    takenAt: Number.isFinite(takenAt) ? takenAt : stat.mtimeMs,
    sizeBytes: stat.size,
    file,
    url: '',
  };
}

/** `heap-lx3k9a2-1a2b3c4d`: the kind, the time in base 36 (ids of one kind sort by time), and a random part. */
export function newId(kind: string, takenAt: number): string {
  const safeKind = kind.replace(/[^A-Za-z0-9_.]+/g, '_').slice(0, 40) || 'profile';
  return `${safeKind}-${Math.max(0, Math.floor(takenAt)).toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Writes a file whole or not at all: a temporary file renamed into place. */
export async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

function validCap(max: number): number {
  if (!Number.isInteger(max) || max < 1) throw new SnapshotStoreError(`the snapshot cap must be a whole number of at least 1, not ${max}`);
  return max;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
