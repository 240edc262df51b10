import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DumpParseError, functionOfCall, parseGoroutineDump, parseHeaderStatus } from '../../../src/goroutines/parseDump';
import { repoRoot } from '../lint/fixtureHarness';

const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test', 'fixtures', 'goroutines', name), 'utf8');
const variants = () => parseGoroutineDump(fixture('variants.txt'));
const byId = (id: number) => {
  const g = variants().goroutines.find((x) => x.id === id);
  assert.ok(g, `goroutine ${id} not parsed`);
  return g;
};

test('variants: every goroutine inside the SIGQUIT output is found, log lines skipped', () => {
  const dump = variants();
  assert.deepEqual(dump.goroutines.map((g) => g.id), [1, 72, 9, 7, 37, 8, 11, 12, 13, 14, 15]);
  assert.equal(dump.truncated, false);
  assert.equal(dump.format, 'debug2');
});

test('header: gp= m= mp= (Go 1.23+ with GOTRACEBACK=system)', () => {
  const g = byId(1);
  assert.equal(g.state, 'running');
  assert.deepEqual(g.frames, [{ function: 'main.main', file: '/src/app/main.go', line: 12 }]);
});

test('header: wait minutes and locked to thread; args with ? and aggregates removed; created by in goroutine N', () => {
  const g = byId(72);
  assert.equal(g.state, 'select');
  assert.equal(g.waitMinutes, 25);
  assert.equal(g.lockedToThread, true);
  assert.deepEqual(g.frames[0], { function: 'main.(*S).run', file: '/src/app/s.go', line: 40 });
  assert.deepEqual(g.createdBy, { function: 'main.start', file: '/src/app/main.go', line: 30, goroutine: 1 });
});

test('header flags: (scan), (leaked), (durable) and synctest bubbles; created by without a parent id', () => {
  assert.deepEqual([byId(9).state, byId(9).flags], ['chan receive', ['scan']]);
  assert.equal(byId(9).createdBy?.goroutine, null);
  assert.deepEqual([byId(7).state, byId(7).flags], ['chan send', ['leaked']]);
  assert.deepEqual([byId(37).state, byId(37).flags, byId(37).bubble], ['chan send', ['durable'], 1]);
});

test('inlined frames (no +0x, args shown as ...) keep their file and line', () => {
  assert.deepEqual(byId(7).frames.map((f) => `${f.function}:${f.line}`), ['main.produce:15', 'main.leak.func1:22']);
});

test('labels in the header (Go 1.26) are read as data, not markup', () => {
  assert.deepEqual(byId(8).labels, { handler: '/users', tenant: 'a<b>' });
  assert.equal(byId(8).state, 'running');
});

test('both frame-elision forms', () => {
  assert.equal(byId(11).elidedFrames, 53);
  assert.equal(byId(11).state, 'sync.WaitGroup.Wait');
  assert.equal(byId(11).waitMinutes, 3);
  assert.deepEqual(byId(11).frames.map((f) => f.function), ['sync.runtime_Semacquire', 'sync.(*WaitGroup).Wait', 'main.deep']);
  assert.equal(byId(12).elidedFrames, -1);
});

test('stack unavailable, ancestors, unknown states', () => {
  assert.equal(byId(13).stackUnavailable, true);
  assert.deepEqual(byId(13).frames, []);
  assert.equal(byId(13).createdBy?.function, 'main.spawn');
  assert.deepEqual(byId(14).ancestors, [6]);
  assert.deepEqual(byId(14).frames.map((f) => f.function), ['time.Sleep', 'main.child'], 'ancestor frames are not the goroutine\'s own');
  assert.equal(byId(15).state, 'some future wait reason');
});

test('captured from the demo service: every goroutine parsed, the leaking select found', () => {
  const text = fixture('leaky-service.debug2.txt');
  const dump = parseGoroutineDump(text);
  const headers = text.match(/^goroutine \d+ \[/gm)?.length ?? 0;
  assert.equal(dump.goroutines.length, headers);
  assert.equal(dump.truncated, false);
  assert.ok(dump.goroutines.some((g) => g.state === 'select' && g.frames.some((f) => f.function.endsWith('search.(*Service).Search.func1'))));
});

test('a dump cut off mid-goroutine yields what it holds and says it was truncated', () => {
  const text = fixture('leaky-service.debug2.txt');
  const cut = text.slice(0, text.indexOf('\t', Math.floor(text.length / 2)) - 1);
  const dump = parseGoroutineDump(cut);
  assert.equal(dump.truncated, true);
  assert.ok(dump.goroutines.length > 10);
});

test('interleaved log lines end a goroutine without losing the next', () => {
  const text = 'goroutine 1 [running]:\nmain.a()\n\t/x/a.go:1 +0x1\n2026/01/01 log line\ngoroutine 2 [sleep]:\nmain.b()\n\t/x/b.go:2 +0x2\n';
  const dump = parseGoroutineDump(text);
  assert.deepEqual(dump.goroutines.map((g) => [g.id, g.frames.length]), [[1, 1], [2, 1]]);
});

test('random bytes and empty input: one clear error', () => {
  const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
  assert.throws(() => parseGoroutineDump(random), (e: unknown) => e instanceof DumpParseError && /no goroutine found/.test(e.message));
  assert.throws(() => parseGoroutineDump(''), DumpParseError);
});

test('helpers: function of a call line and header status', () => {
  assert.equal(functionOfCall('main.(*S).run(0xc000010000, {0x4b1e20?, 0x1}, ...)'), 'main.(*S).run');
  assert.equal(functionOfCall('main.f[...](...)'), 'main.f[...]');
  assert.deepEqual(parseHeaderStatus('chan receive (nil chan)').state, 'chan receive (nil chan)');
  assert.deepEqual(parseHeaderStatus('select (no cases), 2 minutes').waitMinutes, 2);
});

test('headers read without the regular expression match the ones read with it; odd headers are not headers', () => {
  const frame = 'main.f()\n\t/src/app/main.go:3 +0x1\n\n';
  const dump = parseGoroutineDump([
    'goroutine 3 [select, 2 minutes, locked to thread]:  \n' + frame,
    'goroutine 4 [running labels:{"route": "/a]: b"}]:\n' + frame,
    'goroutine 5 gp=0xc000002380 m=nil [chan receive]:\n' + frame,
    'goroutine 1234567890123456 [sleep]:\n' + frame,
    'goroutine 6 [select]: and then some\n' + frame,
    'goroutine  7 [select]:\n' + frame,
    'goroutine 8 []:\n' + frame,
  ].join(''));
  assert.deepEqual(dump.goroutines.map((g) => [g.id, g.state, g.waitMinutes, g.lockedToThread]), [
    [3, 'select', 2, true],
    [4, 'running', null, false],
    [5, 'chan receive', null, false],
    [1234567890123456, 'sleep', null, false],
    [8, '', null, false],
  ]);
  assert.deepEqual(dump.goroutines[1]?.labels, { route: '/a]: b' });
});

test('goroutines started by one creator share one created-by record, equal to what each was printed with', () => {
  const block = (id: number, parent: number) => `goroutine ${id} [select]:\nmain.w()\n\t/src/w.go:9 +0x1\ncreated by main.start in goroutine ${parent}\n\t/src/main.go:30 +0x2\n\n`;
  const dump = parseGoroutineDump(block(10, 1) + block(11, 1) + block(12, 2));
  const [a, b, c] = dump.goroutines;
  assert.deepEqual(a?.createdBy, { function: 'main.start', file: '/src/main.go', line: 30, goroutine: 1 });
  assert.equal(a?.createdBy, b?.createdBy);
  assert.deepEqual(c?.createdBy, { function: 'main.start', file: '/src/main.go', line: 30, goroutine: 2 });
});

test('goroutines with one stack share its frames; a stack that extends another leaves the shorter one as printed', () => {
  const g = (id: number, ...fns: string[]) => `goroutine ${id} [select]:\n${fns.map((f, i) => `${f}()\n\t/src/a.go:${i + 1} +0x1\n`).join('')}\n`;
  const dump = parseGoroutineDump(g(1, 'main.a', 'main.b') + g(2, 'main.a') + g(3, 'main.a', 'main.b') + g(4, 'main.a', 'main.c') + g(5));
  const fns = dump.goroutines.map((x) => x.frames.map((f) => f.function).join(' < '));
  assert.deepEqual(fns, ['main.a < main.b', 'main.a', 'main.a < main.b', 'main.a < main.c', '']);
  assert.equal(dump.goroutines[0]?.frames, dump.goroutines[2]?.frames);
  assert.equal(dump.goroutines[1]?.frames[0], dump.goroutines[3]?.frames[0], 'one frame object per function and file line');
});
