/**
 * Which commands each row of the Services view offers: package.json's `view/item/context` menus evaluated
 * for the contextValues the tree gives its rows (src/extension/services/treeContext.ts). "Show Goroutines"
 * belongs to goroutine snapshots only; a stored leak watch offers open, continue and delete, a running
 * one open only.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import * as ctx from '../../../src/extension/services/treeContext';
import { CAPTURE_KINDS } from '../../../src/services/captureKinds';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

const manifest = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }>; menus: Record<string, MenuEntry[]> };
};
const itemMenu = manifest.contributes.menus['view/item/context'] ?? [];

/**
 * The part of VS Code's when-clause language these menus use: clauses joined by `&&`, each `key == value`,
 * `key =~ /regexp/`. Anything else throws, so a menu this cannot read fails the test instead of passing.
 */
function evaluate(when: string, context: Record<string, string>): boolean {
  return when.split('&&').every((raw) => {
    const clause = raw.trim();
    let m = /^([\w.]+) == ([\w.]+)$/.exec(clause);
    if (m) return context[m[1] as string] === m[2];
    m = /^([\w.]+) =~ \/(.*)\/$/.exec(clause);
    if (m) return new RegExp(m[2] as string).test(context[m[1] as string] ?? '');
    throw new Error(`a when clause this test does not read: ${clause}`);
  });
}

function offered(viewItem: string): { inline: string[]; menu: string[] } {
  const context = { view: 'goroscope.services', viewItem };
  const entries = itemMenu.filter((e) => e.when !== undefined && evaluate(e.when, context));
  const commands = (inline: boolean) => [...new Set(entries.filter((e) => (e.group ?? '').startsWith('inline') === inline).map((e) => e.command))].sort();
  return { inline: commands(true), menu: commands(false) };
}

describe('Services view menus', () => {
  it('every command a menu names is contributed', () => {
    const declared = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const entries of Object.values(manifest.contributes.menus)) {
      for (const e of entries) assert.ok(declared.has(e.command), `${e.command} is in a menu but not in contributes.commands`);
    }
  });

  it('only goroutine snapshots offer Show Goroutines; every snapshot offers open, save and delete', () => {
    const snapshotCommands = ['goroscope.snapshots.delete', 'goroscope.snapshots.open', 'goroscope.snapshots.save'];
    assert.equal(ctx.snapshotContextValue('heap'), ctx.SNAPSHOT);
    assert.equal(ctx.snapshotContextValue('goroutine'), ctx.SNAPSHOT_GOROUTINE);
    for (const kind of ['cpu', 'heap', 'allocs', 'block', 'mutex', 'threadcreate', 'my/custom']) {
      assert.deepEqual(offered(ctx.snapshotContextValue(kind)).menu, snapshotCommands, kind);
    }
    for (const kind of ['goroutine', 'goroutineleak']) {
      assert.deepEqual(offered(ctx.snapshotContextValue(kind)).menu, [...snapshotCommands, 'goroscope.goroutines.show'].sort(), kind);
      assert.deepEqual(offered(ctx.snapshotContextValue(kind)).inline, snapshotCommands, kind);
    }
    assert.deepEqual(offered(ctx.SNAPSHOT).inline, snapshotCommands);
    assert.deepEqual(offered(ctx.SNAPSHOT_GOROUTINE).inline, snapshotCommands);
  });

  it('a stored leak watch offers open, continue and delete; one taking snapshots offers open only', () => {
    assert.equal(ctx.leakWatchContextValue(false), ctx.LEAK_WATCH);
    assert.equal(ctx.leakWatchContextValue(true), ctx.LEAK_WATCH_RUNNING);
    assert.deepEqual(offered(ctx.LEAK_WATCH).menu, ['goroscope.leaks.continue', 'goroscope.leaks.delete', 'goroscope.leaks.open']);
    assert.deepEqual(offered(ctx.LEAK_WATCH).inline, ['goroscope.leaks.continue', 'goroscope.leaks.delete']);
    assert.deepEqual(offered(ctx.LEAK_WATCH_RUNNING), { inline: [], menu: ['goroscope.leaks.open'] });
    assert.deepEqual(offered(ctx.LEAK_WATCHES), { inline: [], menu: [] });
  });

  it('each attached service offers the capture commands of the kinds its index lists (the commands themselves: captureKinds.test.ts)', () => {
    const runtime = ['cpu', 'heap', 'allocs', 'goroutine', 'block', 'mutex', 'threadcreate'];
    const withLeak = [...runtime, 'goroutineleak'];
    const captureCommands = (viewItem: string) => offered(viewItem).menu.filter((c) => /^goroscope\.services\.capture[A-Z]/.test(c) && c !== 'goroscope.services.captureDelta');
    const oldGo = ctx.serviceContextValue(runtime.map((k) => (k === 'cpu' ? 'profile' : k)));
    assert.equal(oldGo, ctx.SERVICE_ATTACHED);
    assert.deepEqual(captureCommands(oldGo).sort(), CAPTURE_KINDS.filter((k) => !k.onlyWhenOffered).map((k) => k.command).sort(), 'no goroutineleak capture for a Go without the profile');
    const go127 = ctx.serviceContextValue([...withLeak.map((k) => (k === 'cpu' ? 'profile' : k)), 'cmdline', 'symbol', 'trace']);
    assert.equal(go127, 'service.attached.goroutineleak');
    assert.deepEqual(captureCommands(go127).sort(), CAPTURE_KINDS.map((k) => k.command).sort());
    assert.deepEqual(offered(go127).inline, offered(oldGo).inline, 'the same inline actions');
  });

  it('services keep their own commands, and no leak-watch or snapshot command leaks onto them', () => {
    const attached = offered(ctx.SERVICE_ATTACHED);
    assert.ok(attached.menu.includes('goroscope.leaks.watch') && attached.menu.includes('goroscope.goroutines.show'));
    assert.deepEqual(offered(ctx.serviceContextValue(['goroutineleak'])).menu, [...attached.menu, 'goroscope.services.captureGoroutineleak'].sort());
    const detached = offered(ctx.SERVICE_DETACHED);
    assert.deepEqual(detached.inline, ['goroscope.services.attach']);
    for (const { menu, inline } of [attached, detached]) {
      assert.ok(![...menu, ...inline].some((c) => /^goroscope\.(snapshots|leaks\.(open|continue|delete))/.test(c)), JSON.stringify({ menu, inline }));
    }
  });
});
