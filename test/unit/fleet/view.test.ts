import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FleetReport } from '../../../src/fleet/report';
import type { FleetInstance } from '../../../src/fleet/suspects';
import { buildFleetView, CHART_POINTS, thin } from '../../../src/fleet/view';

test('charts are thinned to CHART_POINTS, peaks kept, missing points null', () => {
  const values = Array.from({ length: 1000 }, (_, i) => (i === 503 ? 1e9 : i % 100 === 0 ? Number.NaN : i));
  const thinned = thin(values);
  assert.equal(thinned.length, CHART_POINTS);
  assert.ok(thinned.includes(1e9), 'a one-point spike survives');
  assert.deepEqual(thin([1, Number.NaN, 3]), [1, null, 3]);
});

test('the charts begin at the fleet\'s first point, suspects come first', () => {
  const times = Array.from({ length: 10 }, (_, i) => 1000 + i * 10);
  const chart = (first: number) => times.map((_, i) => (i < first ? Number.NaN : i));
  const instance = (name: string, first: number): FleetInstance => ({
    instance: name,
    labels: { instance: name },
    goroutines: null,
    heapInuse: null,
    heapGoal: null,
    restarts: [],
    chart: { times, goroutines: chart(first), heapInuse: chart(first) },
  });
  const report: FleetReport = {
    range: { start: 1000, end: 1090 },
    step: 10,
    selector: '{}',
    instances: [instance('a', 6), instance('b', 4)],
    suspects: [{ kind: 'goroutines', instance: 'b', perHour: 1, unit: 'goroutines', score: 1, evidence: [], pattern: 'isolated' }],
  };
  const view = buildFleetView(report, 't', 'http://x/');
  assert.equal(view.chartStart, 1040);
  assert.deepEqual(view.instances.map((i) => i.instance), ['b', 'a']);
  assert.deepEqual(view.instances[1]?.goroutinesChart, [null, null, 6, 7, 8, 9]);
});
