import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { decodePackedProfile } from '../../src/pprof/decode';
import { firstView, type FirstView } from '../../src/pprof/firstView';
import { TOP_ROWS } from '../../src/pprof/session';
import { REPO_ROOT, runCli } from './cliRunner';

const pprofFixtures = path.join(REPO_ROOT, 'test', 'fixtures', 'pprof');
const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-report-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON data block of a written report, and each profile's embedded bytes. */
function reportData(file: string): { version: number; profiles: Array<{ title: string; bytes: Buffer; first?: FirstView }> } {
  const html = readFileSync(file, 'utf8');
  const block = /<script type="application\/json" id="goroscope-report">([^<]*)<\/script>/.exec(html);
  assert.ok(block, 'the report has its data block');
  const data = JSON.parse(block[1] as string) as { version: number; profiles: Array<{ title: string; bytesElement: string; first?: FirstView }> };
  return {
    version: data.version,
    profiles: data.profiles.map(({ bytesElement, ...p }) => {
      const element = new RegExp(`<script type="application/octet-stream" id="${bytesElement}">([A-Za-z0-9+/=]*)</script>`).exec(html);
      assert.ok(element, `the report has the bytes of ${p.title}`);
      // The page's script comes before the bytes: it starts while the parser reads them.
      assert.ok(html.indexOf('<script nonce=') < element.index);
      return { ...p, bytes: Buffer.from(element[1] as string, 'base64') };
    }),
  };
}

test('report embeds each profile as its own bytes with its first view, one entry per input, in order', () => {
  const out = path.join(dir, 'two.html');
  const r = runCli(['report', path.join(pprofFixtures, 'heap-1.pb.gz'), path.join(pprofFixtures, 'cpu.pb.gz'), '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*two\.html \(2 profiles, \d+ kB\)\n$/);
  const data = reportData(out);
  assert.equal(data.version, 3);
  assert.deepEqual(data.profiles.map((p) => p.title), ['heap-1.pb.gz', 'cpu.pb.gz']);
  assert.deepEqual(data.profiles[0]!.bytes, readFileSync(path.join(pprofFixtures, 'heap-1.pb.gz')));
  assert.deepEqual(data.profiles[1]!.bytes, readFileSync(path.join(pprofFixtures, 'cpu.pb.gz')));
  // The first view is the store's default view of the same bytes (test/unit/pprof/firstView.test.ts checks it all).
  for (const p of data.profiles) {
    const profile = decodePackedProfile(p.bytes);
    assert.deepEqual(p.first, JSON.parse(JSON.stringify(firstView(profile, TOP_ROWS))));
  }
});

test('report of something that is not a profile: exit 2, one line naming the input, no file written', () => {
  const html = path.join(dir, 'error-page.pb.gz');
  writeFileSync(html, '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>');
  const truncated = path.join(dir, 'truncated.pb.gz');
  writeFileSync(truncated, readFileSync(path.join(pprofFixtures, 'heap-1.pb.gz')).subarray(0, 200));
  for (const [input, message] of [
    [html, /got an HTML page, not a profile/],
    [truncated, /truncated gzip data/],
  ] as const) {
    const out = path.join(dir, 'never.html');
    const r = runCli(['report', path.join(pprofFixtures, 'heap-1.pb.gz'), input, '-o', out]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^goroscope: ${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    assert.match(r.stderr, message);
    assert.equal(existsSync(out), false);
  }
});
