import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT, runCli } from './cliRunner';

const pprofFixtures = path.join(REPO_ROOT, 'test', 'fixtures', 'pprof');
const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-report-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON data block of a written report. */
function reportData(file: string): { version: number; profiles: Array<{ title: string; base64: string }> } {
  const html = readFileSync(file, 'utf8');
  const block = /<script type="application\/json" id="goroscope-report">([^<]*)<\/script>/.exec(html);
  assert.ok(block, 'the report has its data block');
  return JSON.parse(block[1] as string);
}

test('report embeds each profile as its own bytes, one entry per input, in order', () => {
  const out = path.join(dir, 'two.html');
  const r = runCli(['report', path.join(pprofFixtures, 'heap-1.pb.gz'), path.join(pprofFixtures, 'cpu.pb.gz'), '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*two\.html \(2 profiles, \d+ kB\)\n$/);
  const data = reportData(out);
  assert.equal(data.version, 2);
  assert.deepEqual(data.profiles.map((p) => p.title), ['heap-1.pb.gz', 'cpu.pb.gz']);
  assert.deepEqual(Buffer.from(data.profiles[0]!.base64, 'base64'), readFileSync(path.join(pprofFixtures, 'heap-1.pb.gz')));
  assert.deepEqual(Buffer.from(data.profiles[1]!.base64, 'base64'), readFileSync(path.join(pprofFixtures, 'cpu.pb.gz')));
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
