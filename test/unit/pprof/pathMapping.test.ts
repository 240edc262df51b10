import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { decodeProfile } from '../../../src/pprof/decode';
import { mapSourcePath, type PathMappingOptions } from '../../../src/pprof/pathMapping';
import { REPO_ROOT } from '../../cli/cliRunner';
import { readFixture } from './fixtures';

const SERVICE = path.join(REPO_ROOT, 'examples', 'leaky-service');
const modules = [{ path: 'example.com/leaky-service', dir: '/ws/leaky' }];

describe('mapSourcePath', () => {
  test('trimpath builds: the module path maps to the workspace folder', () => {
    assert.equal(mapSourcePath('example.com/leaky-service/internal/api/handlers.go', { modules }), '/ws/leaky/internal/api/handlers.go');
  });

  test('GOPATH builds: …/src/<module path>/… maps to the workspace folder', () => {
    assert.equal(mapSourcePath('/go/src/example.com/leaky-service/main.go', { modules }), '/ws/leaky/main.go');
  });

  test('plain module builds: the build folder is found by the module folder name', () => {
    assert.equal(mapSourcePath('/build/ci/leaky/internal/sessions/store.go', { modules }), '/ws/leaky/internal/sessions/store.go');
    assert.equal(mapSourcePath('/home/dev/leaky-service/main.go', { modules }), '/ws/leaky/main.go');
  });

  test('the longest module path wins when modules nest', () => {
    const nested = [...modules, { path: 'example.com/leaky-service/tools', dir: '/ws/tools' }];
    assert.equal(mapSourcePath('example.com/leaky-service/tools/gen.go', { modules: nested }), '/ws/tools/gen.go');
  });

  test('GOROOT frames map to the local GOROOT, from any build machine layout', () => {
    const options: PathMappingOptions = { modules, goroot: '/usr/local/go' };
    for (const file of [
      '/usr/lib/go-1.19/src/net/http/server.go',
      '/usr/local/go/src/net/http/server.go',
      '/opt/hostedtoolcache/go/1.21.0/x64/go/src/net/http/server.go',
      '/root/sdk/go1.21.0/src/net/http/server.go',
      'net/http/server.go',
    ]) {
      assert.equal(mapSourcePath(file, options), '/usr/local/go/src/net/http/server.go', file);
    }
  });

  test('module cache frames map to the local module cache', () => {
    assert.equal(
      mapSourcePath('/root/go/pkg/mod/github.com/gorilla/mux@v1.8.0/mux.go', { modules, gomodcache: '/home/me/go/pkg/mod' }),
      '/home/me/go/pkg/mod/github.com/gorilla/mux@v1.8.0/mux.go',
    );
  });

  test('what cannot be mapped says why', () => {
    assert.deepEqual(mapSourcePath('/usr/local/go/src/runtime/proc.go', { modules }), {
      unmapped: "/usr/local/go/src/runtime/proc.go is in Go's standard library, but no local GOROOT is known (is Go installed?)",
    });
    const other = mapSourcePath('/build/other-service/main.go', { modules });
    assert.ok(typeof other === 'object' && /is not in a workspace module \(example\.com\/leaky-service\)/.test(other.unmapped));
    const none = mapSourcePath('/build/x/main.go', { modules: [] });
    assert.ok(typeof none === 'object' && /no go\.mod was found/.test(none.unmapped));
    const cache = mapSourcePath('/root/go/pkg/mod/github.com/a/b@v1.0.0/b.go', { modules });
    assert.ok(typeof cache === 'object' && /module cache \(github\.com\/a\/b@v1\.0\.0\)/.test(cache.unmapped));
    assert.deepEqual(mapSourcePath('', { modules }), { unmapped: 'the profile records no file for this frame' });
  });

  test('with an existence check, a candidate that is not there is not returned', () => {
    const result = mapSourcePath('/build/ci/leaky/internal/gone.go', { modules, exists: () => false });
    assert.ok(typeof result === 'object' && /checked \/ws\/leaky\/internal\/gone\.go/.test(result.unmapped));
  });

  test('every frame of a captured profile maps to a real file here (workspace module and GOROOT)', () => {
    const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
    const p = decodeProfile(readFixture('heap-2'));
    const options: PathMappingOptions = { modules: [{ path: 'example.com/leaky-service', dir: SERVICE }], goroot, exists: existsSync };
    let service = 0;
    for (const frame of p.frames) {
      const mapped = mapSourcePath(frame.file, options);
      assert.equal(typeof mapped, 'string', `${frame.file}: ${JSON.stringify(mapped)}`);
      assert.ok(existsSync(mapped as string));
      if ((mapped as string).startsWith(SERVICE)) service++;
    }
    assert.ok(service > 0);
  });
});
