/**
 * The dump parser on captures from real runtimes (test/fixtures/goroutines/README.md says which runtime
 * printed each), and on the few forms no runtime here prints (handwritten.txt).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Goroutine, GoroutineDump } from '../../../src/goroutines/model';
import { DumpParseError, functionOfCall, looksLikeGoroutineDump, parseGoroutineDump, parseHeaderStatus, readGoroutineDump } from '../../../src/goroutines/parseDump';
import { repoRoot } from '../lint/fixtureHarness';

const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test', 'fixtures', 'goroutines', name), 'utf8');
const parsed = new Map<string, GoroutineDump>();
const dumpOf = (name: string): GoroutineDump => {
  let dump = parsed.get(name);
  if (!dump) parsed.set(name, (dump = parseGoroutineDump(fixture(name))));
  return dump;
};
/** The goroutines of a fixture whose innermost user frame (main.*) is `fn`. */
const running = (name: string, fn: string): Goroutine[] => dumpOf(name).goroutines.filter((g) => g.frames.find((f) => f.function.startsWith('main.'))?.function === fn);
const one = (name: string, fn: string): Goroutine => {
  const [g, ...more] = running(name, fn);
  assert.ok(g && more.length === 0, `${name}: expected one goroutine in ${fn}, found ${1 + more.length - (g ? 0 : 1)}`);
  return g;
};

/** What dumpvariants labels its goroutines with (capture/main.go), as Go holds the strings. */
const VARIANT_LABELS = { note: 'a]: b}: "c"\t\\ü😀\x01', route: '/users/{id}', tenant: 'acme.corp/eu_1' };
/** Every `goroutine N [` line: what the parser must find, header forms whatever. */
const headerCount = (text: string) => text.match(/^goroutine \d+ /gm)?.length ?? 0;

test('every captured dump: each goroutine header is found, nothing is cut off', () => {
  for (const name of [
    'go1.27.3-stack.txt',
    'go1.27.3-sigquit.txt',
    'go1.27.3-synctest.txt',
    'go1.26.8-tracebacklabels=1.txt',
    'go1.26.8-tracebacklabels=0.txt',
    'leaky-service.debug2.txt',
    'leaky-service.goroutineleak.debug2.txt',
    'leaky-service.after-leak-pass.debug2.txt',
    'go1.19.8-leaky-service.debug2.txt',
  ]) {
    const text = fixture(name);
    const dump = parseGoroutineDump(text);
    assert.equal(dump.goroutines.length, headerCount(text), name);
    assert.equal(dump.truncated, false, name);
    assert.ok(looksLikeGoroutineDump(text), name);
  }
});

test('Go 1.27 labels after the status: bare and quoted keys and values, ]: and }: inside a value, escapes', () => {
  const g = one('go1.27.3-stack.txt', 'main.main');
  assert.equal(g.state, 'running');
  assert.deepEqual(g.labels, VARIANT_LABELS);
  assert.deepEqual(one('go1.27.3-stack.txt', 'main.deep').labels, VARIANT_LABELS);
  const unlabelled = one('go1.27.3-stack.txt', 'main.main.func8');
  assert.equal(unlabelled.labels, null);
});

test('Go 1.26 with GODEBUG=tracebacklabels=1: labels inside the brackets read the same; =0: none', () => {
  const g = one('go1.26.8-tracebacklabels=1.txt', 'main.main.func3');
  assert.deepEqual([g.state, g.leaked, g.labels], ['chan receive (nil chan)', true, VARIANT_LABELS]);
  const locked = one('go1.26.8-tracebacklabels=1.txt', 'main.main.func6');
  assert.deepEqual([locked.state, locked.lockedToThread, locked.labels], ['chan receive', true, VARIANT_LABELS]);
  assert.ok(dumpOf('go1.26.8-tracebacklabels=0.txt').goroutines.every((x) => x.labels === null));
  const states = (name: string) => dumpOf(name).goroutines.map((x) => `${x.state}${x.leaked ? ' (leaked)' : ''}`).sort();
  assert.deepEqual(states('go1.26.8-tracebacklabels=0.txt'), states('go1.26.8-tracebacklabels=1.txt'));
});

test('labels and states read the same in every form the runtime prints them', () => {
  const shape = (name: string) =>
    dumpOf(name)
      .goroutines.filter((g) => g.frames.some((f) => f.function.startsWith('main.main.func')))
      .map((g) => [g.state, g.leaked, g.lockedToThread, g.labels])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  assert.deepEqual(shape('go1.27.3-stack.txt'), shape('go1.26.8-tracebacklabels=1.txt'));
});

test('(leaked): the goroutines Go proved leaked, state without the marker; the rest are not', () => {
  const leaked = dumpOf('go1.27.3-stack.txt').goroutines.filter((g) => g.leaked);
  assert.deepEqual(leaked.map((g) => g.state).sort(), ['chan receive (nil chan)', 'chan send', 'chan send', 'select (no cases)', 'sync.WaitGroup.Wait']);
  assert.ok(leaked.every((g) => g.flags.includes('leaked') && g.waitMinutes === null));
  // The Mutex deadlock is not proved (its semaphore is reachable from the runtime's table), nor anything on a global channel.
  assert.equal(one('go1.27.3-stack.txt', 'main.main.func5').state, 'sync.Mutex.Lock');
  assert.equal(one('go1.27.3-stack.txt', 'main.main.func5').leaked, false);
  assert.equal(one('go1.27.3-stack.txt', 'main.main.func6').leaked, false);
});

test('SIGQUIT output with GOTRACEBACK=system: log lines and registers skipped, gp= m= mp= headers, waits, ancestors', () => {
  const dump = dumpOf('go1.27.3-sigquit.txt');
  assert.equal(dump.goroutines[0]?.id, 0, 'goroutine 0 (the signal handler\'s g0) comes first');
  const main = one('go1.27.3-sigquit.txt', 'main.main');
  assert.deepEqual([main.state, main.labels], ['chan receive', VARIANT_LABELS]);
  const locked = one('go1.27.3-sigquit.txt', 'main.main.func6');
  assert.deepEqual([locked.state, locked.waitMinutes, locked.lockedToThread], ['chan receive', 1, true]);
  const sleeper = one('go1.27.3-sigquit.txt', 'main.main.func7');
  assert.deepEqual([sleeper.state, sleeper.waitMinutes], ['sleep', 1]);
  const leaked = one('go1.27.3-sigquit.txt', 'main.main.func2');
  assert.deepEqual([leaked.state, leaked.leaked, leaked.waitMinutes], ['select (no cases)', true, null]);
  const child = one('go1.27.3-sigquit.txt', 'main.child');
  assert.deepEqual(child.frames.filter((f) => !f.function.startsWith('runtime.')).map((f) => f.function), ['main.child'], 'the ancestors\' frames are not its own');
  const parent = one('go1.27.3-sigquit.txt', 'main.parent');
  assert.deepEqual(child.ancestors, [parent.id, 1], 'its parent, then the parent\'s creator');
  assert.deepEqual(child.createdBy && [child.createdBy.function, child.createdBy.goroutine], ['main.parent', parent.id]);
});

test('a goroutine running on another thread: its stack is unavailable, its creator known', () => {
  const g = dumpOf('go1.27.3-sigquit.txt').goroutines.find((x) => x.stackUnavailable);
  assert.ok(g);
  assert.equal(g.state, 'running');
  assert.deepEqual(g.frames, []);
  assert.equal(g.createdBy?.function, 'main.main');
  assert.deepEqual(g.labels, VARIANT_LABELS);
});

test('elided frames: the runtime keeps the innermost 50 and the outermost 50 and counts the rest', () => {
  const g = one('go1.27.3-stack.txt', 'main.deep');
  assert.equal(g.elidedFrames, 21);
  assert.equal(g.frames.length, 100);
  assert.equal(g.state, 'chan receive');
});

test('testing/synctest: durable waits and bubbles', () => {
  const dump = dumpOf('go1.27.3-synctest.txt');
  const states = dump.goroutines.map((g) => [g.state, g.flags, g.bubble]);
  assert.deepEqual(states, [
    ['running', [], 1],
    ['chan receive', [], null],
    ['synctest.Run', ['durable'], 1],
    ['chan receive', ['durable'], 1],
    ['chan send', ['durable'], 1],
  ]);
});

test('the demo service under Go 1.27.3: every request\'s goroutines carry its route; the leaking select found', () => {
  const dump = dumpOf('leaky-service.debug2.txt');
  const search = dump.goroutines.filter((g) => g.frames.some((f) => f.function.endsWith('search.(*Service).Search.func1')));
  assert.ok(search.length > 50);
  assert.ok(search.every((g) => g.state === 'select' && g.labels?.route === '/search'));
  assert.ok(dump.goroutines.every((g) => !g.leaked), 'no detection pass has run yet');
  const after = dumpOf('leaky-service.after-leak-pass.debug2.txt');
  const quotes = after.goroutines.filter((g) => g.leaked);
  assert.ok(quotes.length >= 2);
  assert.ok(quotes.every((g) => g.labels?.route === '/quote' && /handleQuote\.func[12]$/.test(g.frames.find((f) => !f.function.startsWith('runtime.'))?.function ?? '')));
});

test('Go 1.19.8 dumps: created by without a goroutine id', () => {
  const dump = dumpOf('go1.19.8-leaky-service.debug2.txt');
  const created = dump.goroutines.filter((g) => g.createdBy);
  assert.ok(created.length > 100);
  assert.ok(created.every((g) => g.createdBy?.goroutine === null));
});

test('hand-written: (scan) after (leaked), Go 1.20 elision and created by, an unknown wait reason kept as printed', () => {
  const dump = parseGoroutineDump(fixture('handwritten.txt'));
  const [scan, old, future] = dump.goroutines;
  assert.deepEqual([scan?.state, scan?.flags, scan?.leaked], ['chan receive', ['leaked', 'scan'], true]);
  assert.deepEqual([old?.elidedFrames, old?.createdBy?.function, old?.createdBy?.goroutine], [-1, 'main.start', null]);
  assert.equal(future?.state, 'some future wait reason');
});

test('a dump cut off mid-goroutine yields what it holds and says it was truncated', () => {
  const text = fixture('leaky-service.debug2.txt');
  const cut = text.slice(0, text.indexOf('\t', Math.floor(text.length / 2)) - 1);
  const dump = parseGoroutineDump(cut);
  assert.equal(dump.truncated, true);
  assert.ok(dump.goroutines.length > 10);
});

test('a header cut off inside its labels is not a header', () => {
  const text = fixture('go1.27.3-stack.txt');
  const cut = text.slice(0, text.indexOf('tenant', text.indexOf('goroutine 19 ')));
  const dump = parseGoroutineDump(cut);
  assert.deepEqual(dump.goroutines.map((g) => g.id), [1]);
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
  assert.deepEqual(parseHeaderStatus('select (no cases) (leaked)').state, 'select (no cases)');
  assert.deepEqual(parseHeaderStatus('select, 2 minutes').waitMinutes, 2);
});

test('odd headers: trailing spaces, CRLF, empty status and labels; lines that only look like headers are not', () => {
  const frame = 'main.f()\n\t/src/app/main.go:3 +0x1\n\n';
  const dump = parseGoroutineDump([
    'goroutine 3 [select, 2 minutes, locked to thread]:  \n' + frame,
    'goroutine 4 [running] {}:\r\n' + frame,
    'goroutine 5 gp=0xc000002380 m=nil [chan receive]:\n' + frame,
    'goroutine 1234567890123456 [sleep]:\n' + frame,
    'goroutine 6 [select]: and then some\n' + frame,
    'goroutine  7 [select]:\n' + frame,
    'goroutine 9 gp=junk [select]:\n' + frame,
    'goroutine 10 [select] {route: "/a}:\n' + frame,
    'goroutine 8 []:\n' + frame,
  ].join(''));
  assert.deepEqual(dump.goroutines.map((g) => [g.id, g.state, g.waitMinutes, g.lockedToThread, g.labels]), [
    [3, 'select', 2, true, null],
    [4, 'running', null, false, {}],
    [5, 'chan receive', null, false, null],
    [1234567890123456, 'sleep', null, false, null],
    [10, 'select', null, false, null],
    [8, '', null, false, null],
  ]);
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

test('goroutines printed with the same labels share one label object', () => {
  const [a, b] = running('go1.27.3-stack.txt', 'main.main.func1');
  assert.ok(a && b);
  assert.equal(a.labels, b.labels);
});

test('a goroutine printed like an earlier one but for one function or file line gets its own frames and creator', () => {
  // The reader compares lines with the ones earlier goroutines were printed with before it hashes any: a
  // closure started on its parent's line prints the same file line under another function.
  const g = (id: number, fn: string, created: string) => `goroutine ${id} [select]:\n${fn}()\n\t/src/a.go:5 +0x1\nmain.run()\n\t/src/a.go:9 +0x2\ncreated by main.start in goroutine 1\n\t${created} +0x3\n\n`;
  const dump = parseGoroutineDump(g(1, 'main.a', '/src/m.go:3') + g(2, 'main.a.func1', '/src/m.go:3') + g(3, 'main.a', '/src/m.go:4') + g(4, 'main.a', '/src/m.go:3'));
  assert.deepEqual(
    dump.goroutines.map((x) => [x.frames.map((f) => `${f.function}@${f.line}`).join(' < '), `${x.createdBy?.file}:${x.createdBy?.line}`]),
    [
      ['main.a@5 < main.run@9', '/src/m.go:3'],
      ['main.a.func1@5 < main.run@9', '/src/m.go:3'],
      ['main.a@5 < main.run@9', '/src/m.go:4'],
      ['main.a@5 < main.run@9', '/src/m.go:3'],
    ],
  );
  assert.equal(dump.goroutines[0]?.frames, dump.goroutines[3]?.frames);
  assert.equal(dump.goroutines[0]?.createdBy, dump.goroutines[3]?.createdBy);
});

test('readGoroutineDump hands over each goroutine in dump order and says what parseGoroutineDump says', () => {
  for (const name of ['go1.27.3-sigquit.txt', 'leaky-service.after-leak-pass.debug2.txt']) {
    const text = fixture(name);
    const cut = text.slice(0, text.lastIndexOf('\t'));
    for (const t of [text, cut]) {
      const seen: Goroutine[] = [];
      const read = readGoroutineDump(t, (g) => seen.push(g));
      const whole = parseGoroutineDump(t);
      assert.deepEqual(seen, whole.goroutines, name);
      assert.deepEqual(read, { total: whole.total, truncated: whole.truncated }, name);
    }
  }
  assert.throws(() => readGoroutineDump('no dump here\n', () => assert.fail('nothing to visit')), DumpParseError);
});

test('a goroutine 50,000 frames deep (hostile text; the runtime prints 100 at most) costs its depth, not its depth squared', () => {
  const frames = Array.from({ length: 50_000 }, (_, i) => `main.f${i}()\n\t/src/a.go:${i + 1} +0x1\n`).join('');
  const dump = parseGoroutineDump(`goroutine 1 [running]:\n${frames}\ngoroutine 2 [running]:\n${frames}`);
  assert.deepEqual(dump.goroutines.map((g) => g.frames.length), [50_000, 50_000]);
  assert.equal(dump.goroutines[0]?.frames, dump.goroutines[1]?.frames);
  assert.deepEqual(dump.goroutines[1]?.frames[49_999], { function: 'main.f49999', file: '/src/a.go', line: 50_000 });
});
