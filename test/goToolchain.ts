/**
 * The Go every live test runs on: Go 1.27.3, fetched by the installed go command from the module proxy
 * (GOTOOLCHAIN=go1.27.3, about 76 MB the first time, then cached in the module cache). Services are
 * built with it so the tests see what that runtime really prints (labels in goroutine headers, the
 * goroutineleak profile); GO_SRC is its standard library, the large real-world input of the lint tests.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const GO_TOOLCHAIN = 'go1.27.3';

/** The environment for `go` commands of the tests: this process's, with the toolchain pinned. */
export function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, ...extra };
}

let goRoot: string | undefined;

/** `go env GOROOT` of the pinned toolchain; one clear error when go is missing. */
export function goRootDir(): string {
  if (goRoot === undefined) {
    try {
      goRoot = execFileSync('go', ['env', 'GOROOT'], { env: goEnv(), encoding: 'utf8', timeout: 300_000 }).trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'ENOENT'
          ? 'go is not installed: the tests need Go 1.21 or later on PATH (https://go.dev/dl), which fetches Go 1.27.3 itself'
          : `go env GOROOT with GOTOOLCHAIN=${GO_TOOLCHAIN} failed (is the Go module proxy reachable?): ${(err as Error).message}`,
      );
    }
  }
  return goRoot;
}

/** Go's standard library source of the pinned toolchain. */
export function goSrc(...parts: string[]): string {
  return path.join(goRootDir(), 'src', ...parts);
}
