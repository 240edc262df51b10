/**
 * Maps a source path recorded on the build machine to a file in this workspace, for "Open source":
 *  - the module path in a workspace go.mod → that folder (trimpath builds record `example.com/m/x.go`,
 *    GOPATH builds `/go/src/example.com/m/x.go`, plain module builds `/build/m/x.go`);
 *  - Go's standard library (`/usr/local/go/src/net/http/server.go`, `net/http/server.go`) → the local GOROOT;
 *  - module cache paths (`/root/go/pkg/mod/github.com/a/b@v1.2.3/c.go`) → the local module cache.
 * When nothing fits, the result says why instead of guessing. Pure: file checks come in as `exists`.
 */

export interface WorkspaceModule {
  /** Module path from go.mod (`example.com/leaky-service`). */
  path: string;
  /** Local folder holding that go.mod. */
  dir: string;
}

export interface PathMappingOptions {
  modules: readonly WorkspaceModule[];
  /** Local `go env GOROOT`, when Go is installed. */
  goroot?: string;
  /** Local `go env GOMODCACHE`. */
  gomodcache?: string;
  /** Checks a candidate; without it the first candidate is taken as is. */
  exists?: (localPath: string) => boolean;
}

export type MappedPath = string | { unmapped: string };

export function mapSourcePath(file: string, options: PathMappingOptions): MappedPath {
  if (file === '') return { unmapped: 'the profile records no file for this frame' };
  const f = file.replace(/\\/g, '/');
  const exists = options.exists;
  const modules = [...options.modules].sort((a, b) => b.path.length - a.path.length);
  const tried: string[] = [];
  const accept = (candidate: string): string | undefined => {
    if (!exists || exists(candidate)) return candidate;
    tried.push(candidate);
    return undefined;
  };

  // The same machine built it: the recorded file is already here.
  if (exists && f.startsWith('/') && exists(f) && modules.some((m) => isWithin(f, m.dir))) return f;

  for (const m of modules) {
    // trimpath: `example.com/m/internal/x.go`; GOPATH: `/go/src/example.com/m/internal/x.go`;
    // module cache of a replaced module: `/root/go/pkg/mod/example.com/m@v1.0.0/internal/x.go`.
    const rest =
      afterPrefix(f, `${m.path}/`) ??
      afterMarker(f, `/src/${m.path}/`) ??
      afterVersioned(f, m.path);
    if (rest !== undefined) {
      const hit = accept(join(m.dir, rest));
      if (hit) return hit;
    }
  }

  const cache = /(?:^|\/pkg\/mod\/)((?:[^/@]+\/)*[^/@]+@[^/]+)\/(.+)$/.exec(f);
  if (cache && (f.includes('/pkg/mod/') || !f.startsWith('/'))) {
    const [, moduleAtVersion, rest] = cache as unknown as [string, string, string];
    if (!options.gomodcache) return { unmapped: `${file} is in the Go module cache (${moduleAtVersion}); no local module cache is known` };
    const hit = accept(join(options.gomodcache, `${moduleAtVersion}/${rest}`));
    if (hit) return hit;
    return { unmapped: `${file} is in the Go module cache, but ${moduleAtVersion} is not downloaded here (run go mod download)` };
  }

  const std = standardLibraryPath(f);
  if (std !== undefined) {
    if (!options.goroot) return { unmapped: `${file} is in Go's standard library, but no local GOROOT is known (is Go installed?)` };
    const hit = accept(join(options.goroot, `src/${std}`));
    if (hit) return hit;
    return { unmapped: `${file} is in Go's standard library, but ${tried.at(-1) ?? std} does not exist in the local GOROOT (a different Go version?)` };
  }

  // A plain module build records the build machine's folder: find the module folder's name in the path
  // and try what follows it, nearest the file first.
  for (const m of modules) {
    const names = new Set([basename(m.dir), basename(m.path)].filter((n) => n !== ''));
    for (const name of names) {
      const marker = `/${name}/`;
      for (let at = f.lastIndexOf(marker); at >= 0; at = at === 0 ? -1 : f.lastIndexOf(marker, at - 1)) {
        const hit = accept(join(m.dir, f.slice(at + marker.length)));
        if (hit) return hit;
      }
    }
  }

  if (modules.length === 0) return { unmapped: `${file} could not be mapped: no go.mod was found in the workspace` };
  const where = modules.map((m) => m.path).join(', ');
  const checked = tried.length > 0 ? ` (checked ${tried.slice(0, 3).join(', ')})` : '';
  return { unmapped: `${file} is not in a workspace module (${where}) nor in Go's standard library${checked}` };
}

/** `net/http/server.go` for standard-library paths, absolute or trimmed; undefined otherwise. */
function standardLibraryPath(f: string): string | undefined {
  if (!f.startsWith('/') && !/^[A-Za-z]:\//.test(f)) {
    const first = f.split('/')[0] ?? '';
    return first.includes('.') || !f.includes('/') ? undefined : f;
  }
  const at = f.lastIndexOf('/src/');
  if (at < 0) return undefined;
  const root = f.slice(0, at);
  const rest = f.slice(at + '/src/'.length);
  const first = rest.split('/')[0] ?? '';
  if (first.includes('.') || !rest.includes('/')) return undefined;
  // GOROOTs are folders named go, go-1.19, go1.21.0, or a toolchain module in the module cache.
  const looksLikeGoroot = /(^|\/)go([-.]?\d[\w.-]*)?$/.test(root) || root.includes('/golang.org/toolchain@');
  return looksLikeGoroot ? rest : undefined;
}

function afterPrefix(f: string, prefix: string): string | undefined {
  return f.startsWith(prefix) ? f.slice(prefix.length) : undefined;
}

function afterMarker(f: string, marker: string): string | undefined {
  const at = f.indexOf(marker);
  return at >= 0 ? f.slice(at + marker.length) : undefined;
}

function afterVersioned(f: string, modulePath: string): string | undefined {
  const m = new RegExp(`(?:^|/)${modulePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}@[^/]+/(.+)$`).exec(f);
  return m ? m[1] : undefined;
}

function isWithin(file: string, dir: string): boolean {
  const d = dir.replace(/\\/g, '/').replace(/\/$/, '');
  return file.startsWith(`${d}/`);
}

function basename(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/$/, '').split('/').pop() ?? '';
}

function join(dir: string, rest: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return `${dir.replace(/[\\/]$/, '')}${sep}${sep === '\\' ? rest.replace(/\//g, '\\') : rest}`;
}

/**
 * The fallback when a recorded path names no folder known here (a build in /tmp/x, a CI checkout): the
 * frame's package, when it lies in a workspace module, plus the file's name. `fn` is the frame's function
 * (`example.com/m/internal/search.(*S).Run.func1`); undefined when that package is not a workspace one.
 */
export function mapByPackage(fn: string, file: string, options: PathMappingOptions): string | undefined {
  const name = basename(file);
  if (!name.endsWith('.go')) return undefined;
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  const pkg = dot < 0 ? fn : fn.slice(0, dot);
  const modules = [...options.modules].sort((a, b) => b.path.length - a.path.length);
  for (const m of modules) {
    if (pkg !== m.path && !pkg.startsWith(`${m.path}/`)) continue;
    const rel = pkg.slice(m.path.length + 1);
    const candidate = join(m.dir, rel === '' ? name : `${rel}/${name}`);
    if (!options.exists || options.exists(candidate)) return candidate;
  }
  return undefined;
}
