/**
 * The capture-kinds table (src/services/captureKinds.ts) is the one place kinds are declared: package.json's
 * commands, menus and palette conditions must say what it says, the endpoints module and the CLI derive
 * from it, and the sample types it declares are those of profiles Go wrote (the fixtures; the live check
 * against Go 1.27.3 is test/integration/liveCapture.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { captureMenuEntries, DELTA_MENU_GROUP, offeredContextKey, type MenuEntry } from '../../../src/extension/services/treeContext';
import { decodeProfile } from '../../../src/pprof/decode';
import { DELTA_KINDS, DUMP_KINDS, endpointFor, kindFor, PROFILE_KINDS, profileUrl } from '../../../src/pprof/endpoints';
import { CAPTURE_KINDS, captureLabel } from '../../../src/services/captureKinds';

const manifest = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string; title: string; category?: string }>; menus: Record<string, MenuEntry[]> };
};
const kinds = CAPTURE_KINDS;
const perKindCommand = (command: string): boolean => /^goroscope\.services\.capture[A-Z]/.test(command) && command !== 'goroscope.services.captureDelta';

/** A profile Go wrote for each kind: test/fixtures/pprof (Go 1.19) and the goroutineleak one (Go 1.27.3). */
const FIXTURES: Record<string, string> = {
  cpu: 'test/fixtures/pprof/cpu.pb.gz',
  heap: 'test/fixtures/pprof/heap-1.pb.gz',
  allocs: 'test/fixtures/pprof/allocs.pb.gz',
  goroutine: 'test/fixtures/pprof/goroutine.pb.gz',
  goroutineleak: 'test/fixtures/goroutines/leaky-service.goroutineleak.pb.gz',
  block: 'test/fixtures/pprof/block.pb.gz',
  mutex: 'test/fixtures/pprof/mutex.pb.gz',
  threadcreate: 'test/fixtures/pprof/threadcreate.pb.gz',
};

describe('capture kinds', () => {
  it('names each kind, endpoint and command once', () => {
    for (const field of ['kind', 'endpoint', 'command', 'title'] as const) {
      const values = kinds.map((k) => k[field]);
      assert.equal(new Set(values).size, values.length, `${field} repeated: ${values.join(', ')}`);
    }
  });

  it("package.json contributes each kind's command with the table's title, and no per-kind capture command the table lacks", () => {
    const declared = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
    for (const k of kinds) {
      const command = declared.get(k.command);
      assert.ok(command, `${k.command} (${k.kind}) is not in contributes.commands`);
      assert.equal(command.title, k.title, k.kind);
      assert.equal(command.category, 'Goroscope', k.kind);
    }
    const contributed = [...declared.keys()].filter(perKindCommand).sort();
    assert.deepEqual(contributed, kinds.map((k) => k.command).sort());
  });

  it("the Services view's menu holds each kind's command in the table's order, offered where the table says", () => {
    const expected = captureMenuEntries().serviceMenu;
    const actual = (manifest.contributes.menus['view/item/context'] ?? []).filter((e) => perKindCommand(e.command));
    assert.deepEqual(actual, expected);
    const delta = (manifest.contributes.menus['view/item/context'] ?? []).find((e) => e.command === 'goroscope.services.captureDelta');
    assert.equal(delta?.group, DELTA_MENU_GROUP, '"Capture Delta Profile…" comes after every kind');
    assert.ok(expected.some((e) => /goroutineleak/.test(e.when)), 'a kind only some Go has is offered on the rows that list it');
  });

  it('the palette offers each kind while a service is attached, or while one offers it', () => {
    const actual = (manifest.contributes.menus.commandPalette ?? []).filter((e) => perKindCommand(e.command));
    assert.deepEqual(actual, captureMenuEntries().palette);
    assert.ok(actual.some((e) => e.when === offeredContextKey('goroutineleak')));
  });

  it('the endpoints module derives from it: kinds, endpoints, delta, GC and dump queries', () => {
    assert.deepEqual(PROFILE_KINDS, kinds.map((k) => k.kind));
    const base = 'http://127.0.0.1:6060/debug/pprof/';
    for (const k of kinds) {
      assert.equal(endpointFor(k.kind), k.endpoint);
      assert.equal(kindFor(k.endpoint), k.kind);
      assert.equal(DELTA_KINDS.has(k.endpoint), k.seconds === 'delta', k.kind);
      assert.equal(DUMP_KINDS.has(k.endpoint), k.dump === true, k.kind);
      assert.equal(new URL(profileUrl(base, k.kind, { seconds: 5 })).searchParams.get('seconds'), '5', k.kind);
      const gc = (): string => profileUrl(base, k.kind, { gc: true });
      if (k.gc) assert.match(gc(), /[?&]gc=1/);
      else assert.throws(gc, /gc=1 only applies/);
      const dump = (): string => profileUrl(base, k.kind, { debug: 2 });
      if (k.dump) assert.match(dump(), /[?&]debug=2/);
      else assert.throws(dump, /debug=2 only applies/);
    }
    assert.equal(new URL(profileUrl(base, 'cpu')).pathname, '/debug/pprof/profile');
  });

  it('a snapshot is labelled by its kind, a CPU capture by its duration, a delta by its window', () => {
    assert.equal(captureLabel('heap', undefined), 'heap');
    assert.equal(captureLabel('cpu', 10), 'cpu 10 s');
    assert.equal(captureLabel('goroutineleak', 5), 'goroutineleak Δ 5 s');
    assert.equal(captureLabel('my/custom', 5), 'my/custom Δ 5 s');
  });

  it("declares the sample types of the profiles Go writes, and the one pprof shows first", () => {
    assert.deepEqual(Object.keys(FIXTURES).sort(), kinds.map((k) => k.kind).sort(), 'a fixture per kind');
    for (const k of kinds) {
      const profile = decodeProfile(readFileSync(path.resolve(FIXTURES[k.kind] as string)));
      assert.deepEqual(profile.sampleTypes.map((t) => t.type), [...k.sampleTypes], k.kind);
      assert.equal(profile.sampleTypes[profile.defaultSampleIndex]?.type, k.defaultSampleType, k.kind);
    }
  });
});
