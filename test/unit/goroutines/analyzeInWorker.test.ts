import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { GoroutinesWorker } from '../../../src/goroutines/analyzeInWorker';
import { repoRoot } from '../lint/fixtureHarness';

const script = path.join(repoRoot, 'dist', 'goroutinesWorker.js');
const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test', 'fixtures', 'goroutines', name));
const worker = new GoroutinesWorker(script);
after(() => worker.dispose());

test('the worker bundle is built (npm run build)', () => {
  assert.ok(existsSync(script), `${script} is missing`);
});

test('the worker parses and clusters a debug=2 dump and joins debug=1 labels', async () => {
  const view = await worker.analyze({ dump: fixture('go1.19.8-leaky-service.debug2.txt'), labels: fixture('go1.19.8-leaky-service.debug1.txt'), source: { title: 't', source: 's' } });
  assert.equal(view.total, 356);
  assert.equal(view.groups[0]?.count, 320);
  assert.ok(view.groups.some((g) => g.labels !== null), 'labels from debug=1 are joined onto some group');
});

test('the worker reads a debug=0 profile too', async () => {
  const view = await worker.analyze({ dump: fixture('leaky-service.pb.gz'), source: { title: 't', source: 's' } });
  assert.ok(view.total > 0);
  assert.equal(view.states[0]?.state, 'unknown');
});

test('bytes that are no dump are one clear error, and the worker keeps answering', async () => {
  await assert.rejects(worker.analyze({ dump: new TextEncoder().encode('hello, world\nnothing here\n'), source: { title: 't', source: 's' } }), /no goroutine found/);
  const view = await worker.analyze({ dump: fixture('go1.19.8-leaky-service.debug2.txt'), source: { title: 't', source: 's' } });
  assert.equal(view.total, 356);
});
