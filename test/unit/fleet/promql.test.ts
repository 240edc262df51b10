import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FleetError } from '../../../src/fleet/errors';
import { metricQuery, normalizeSelector } from '../../../src/fleet/promql';

test('selectors: label matchers with or without braces, every operator, quotes kept as written', () => {
  assert.equal(normalizeSelector('{job="api"}'), '{job="api"}');
  assert.equal(normalizeSelector(' job="api" , instance=~"10\\\\..*",env!="dev", zone!~\'eu-.*\' '), '{job="api", instance=~"10\\\\..*", env!="dev", zone!~\'eu-.*\'}');
  assert.equal(normalizeSelector('{}'), '{}');
  assert.equal(normalizeSelector('{job="a,b}"}'), '{job="a,b}"}');
});

test('selectors: a metric name, a function or a broken matcher is refused before anything is sent', () => {
  for (const bad of ['go_goroutines{job="api"}', 'rate(x[5m])', '{job="api"', '{job=api}', '{job="api" instance="x"}', '{__name__="up"}']) {
    assert.throws(() => normalizeSelector(bad), (err: unknown) => err instanceof FleetError && err.kind === 'bad-selector', bad);
  }
});

test('queries put our metric names before the selector', () => {
  assert.equal(metricQuery('goroutines', '{job="api"}'), 'go_goroutines{job="api"}');
  assert.equal(metricQuery('heapInuse', '{job="api"}'), 'go_memstats_heap_inuse_bytes{job="api"}');
});
