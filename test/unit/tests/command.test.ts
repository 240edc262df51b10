import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { findModuleRoot, goTestInvocation, type GoTestSettings } from '../../../src/tests/command';

const root = mkdtempSync(path.join(os.tmpdir(), 'goroscope-command-'));
after(() => rmSync(root, { recursive: true, force: true }));
const mod = path.join(root, 'mod');
const pkg = path.join(mod, 'internal', 'api');
mkdirSync(pkg, { recursive: true });
writeFileSync(path.join(mod, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
const out = path.join(root, 'out');
const plain: GoTestSettings = { goCommand: 'go', flags: [], env: {} };

describe('goTestInvocation', () => {
  test('a test: from the module root, the package by its relative path, both profiles and the binary in our folder', () => {
    const inv = goTestInvocation({ kind: 'test', path: ['TestParse', 'empty input'] }, pkg, out, plain);
    assert.equal(inv.cwd, mod);
    assert.equal(inv.command, 'go');
    assert.deepEqual(inv.args, [
      'test', '-json', '-fullpath',
      '-run', '^TestParse$/^empty_input$',
      '-cpuprofile', path.join(out, 'cpu.pprof'),
      '-memprofile', path.join(out, 'mem.pprof'),
      '-o', path.join(out, 'api.test'),
      './internal/api',
    ]);
    assert.equal(inv.testName, 'TestParse/empty_input');
    assert.deepEqual(inv.profiles, { cpu: path.join(out, 'cpu.pprof'), mem: path.join(out, 'mem.pprof') });
    assert.match(inv.display, /^go test -json -fullpath -run '\^TestParse\$\/\^empty_input\$' -cpuprofile /);
  });

  test('a benchmark: no tests, -bench, -benchmem, and no -timeout (benchmarks take the time they take)', () => {
    const inv = goTestInvocation({ kind: 'benchmark', path: ['BenchmarkEncode'] }, mod, out, { ...plain, timeout: '30s' });
    assert.deepEqual(inv.args.slice(3, 8), ['-run', '^$', '-bench', '^BenchmarkEncode$', '-benchmem']);
    assert.ok(!inv.args.includes('-timeout'));
    assert.equal(inv.args.at(-1), '.', 'the module root package is "."');
  });

  test('settings: flags, tags, timeout and memprofilerate; ours win over conflicting user flags', () => {
    const settings: GoTestSettings = {
      goCommand: '/opt/go/bin/go',
      flags: ['-race', '-run', 'Other', '--bench=.', '-cpuprofile=x.out', '-o', 'here.test', '-count=1', '-json', '-v'],
      tags: 'integration',
      timeout: '45s',
      env: { CGO_ENABLED: '1' },
      memProfileRate: 1,
    };
    const inv = goTestInvocation({ kind: 'test', path: ['TestParse'] }, pkg, out, settings);
    assert.equal(inv.command, '/opt/go/bin/go');
    assert.deepEqual(inv.env, { CGO_ENABLED: '1' });
    assert.deepEqual(inv.args.slice(0, 9), ['test', '-json', '-fullpath', '-race', '-count=1', '-v', '-tags', 'integration', '-timeout']);
    assert.equal(inv.args[9], '45s');
    assert.equal(inv.args.filter((a) => a === '-run').length, 1);
    assert.ok(!inv.args.some((a) => /bench|x\.out|here\.test/.test(a)), inv.args.join(' '));
    assert.deepEqual(inv.args.slice(inv.args.indexOf('-memprofilerate'), inv.args.indexOf('-memprofilerate') + 2), ['-memprofilerate', '1']);
  });

  test('contention profiles when asked: -blockprofile and -mutexprofile into our folder, the user\'s own dropped, their rates kept', () => {
    const flags = ['-blockprofile=b.out', '-mutexprofile', 'm.out', '-blockprofilerate=100'];
    const off = goTestInvocation({ kind: 'test', path: ['TestX'] }, pkg, out, { ...plain, flags });
    assert.ok(!off.args.some((a) => /(block|mutex)profile$|[bm]\.out/.test(a)), off.args.join(' '));
    assert.deepEqual(Object.keys(off.profiles), ['cpu', 'mem']);
    const on = goTestInvocation({ kind: 'test', path: ['TestX'] }, pkg, out, { ...plain, flags, contentionProfiles: true });
    assert.deepEqual(on.profiles, { cpu: path.join(out, 'cpu.pprof'), mem: path.join(out, 'mem.pprof'), block: path.join(out, 'block.pprof'), mutex: path.join(out, 'mutex.pprof') });
    const at = (flag: string) => on.args.slice(on.args.indexOf(flag), on.args.indexOf(flag) + 2);
    assert.deepEqual(at('-blockprofile'), ['-blockprofile', path.join(out, 'block.pprof')]);
    assert.deepEqual(at('-mutexprofile'), ['-mutexprofile', path.join(out, 'mutex.pprof')]);
    assert.ok(on.args.includes('-blockprofilerate=100'));
    assert.ok(!on.args.some((a) => /[bm]\.out/.test(a)), on.args.join(' '));
  });

  test('the user\'s own -tags and -timeout are kept, not doubled', () => {
    const inv = goTestInvocation({ kind: 'test', path: ['TestX'] }, pkg, out, { ...plain, flags: ['-tags=e2e', '-timeout', '2m'], tags: 'other', timeout: '30s' });
    assert.deepEqual(inv.args.slice(3, 6), ['-tags=e2e', '-timeout', '2m']);
    assert.ok(!inv.args.includes('other') && !inv.args.includes('30s'));
  });

  test('flags after -args go to the test binary, after the package', () => {
    const inv = goTestInvocation({ kind: 'test', path: ['TestX'] }, pkg, out, { ...plain, flags: ['-v', '-args', '-update', '-run', 'kept'] });
    assert.deepEqual(inv.args.slice(-5), ['./internal/api', '-args', '-update', '-run', 'kept']);
  });

  test('outside a module: from the package folder, "."', () => {
    const loose = path.join(root, 'loose');
    mkdirSync(loose, { recursive: true });
    const inv = goTestInvocation({ kind: 'test', path: ['TestX'] }, loose, out, plain);
    assert.equal(inv.cwd, loose);
    assert.equal(inv.args.at(-1), '.');
  });
});

test('findModuleRoot: the nearest go.mod at or above', () => {
  assert.equal(findModuleRoot(pkg), mod);
  assert.equal(findModuleRoot(mod), mod);
});
