import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachUrl, parseFleetSourcesSetting } from '../../../src/fleet/sources';

test('fleet sources: good entries kept, each bad one named with what is wrong', () => {
  const { sources, problems } = parseFleetSourcesSetting([
    { name: 'prod', prometheusUrl: 'https://prom.example:9090/', headers: { 'X-Scope-OrgID': 'team' }, insecure: true },
    { name: 'prod', prometheusUrl: 'http://other/' },
    { name: 'nourl' },
    { name: 'ftp', prometheusUrl: 'ftp://x/' },
    { name: 'badheaders', prometheusUrl: 'http://x/', headers: { a: 1 } },
    'text',
  ]);
  assert.deepEqual(sources, [{ name: 'prod', prometheusUrl: 'https://prom.example:9090/', headers: { 'X-Scope-OrgID': 'team' }, insecure: true }]);
  assert.equal(problems.length, 5);
  assert.match(problems.join('\n'), /the name "prod" is used twice/);
  assert.match(problems.join('\n'), /\("nourl"\): prometheusUrl must be an http\(s\) URL/);
  assert.deepEqual(parseFleetSourcesSetting({}).problems, ['goroscope.fleet.sources must be a list of {name, prometheusUrl} objects']);
});

test('attach URL template: {instance} and any other label', () => {
  assert.equal(attachUrl('http://{instance}/debug/pprof/', '10.0.0.1:8080', {}), 'http://10.0.0.1:8080/debug/pprof/');
  assert.equal(attachUrl('https://{pod}.{namespace}.svc:6060/debug/pprof/', 'x', { pod: 'api-1', namespace: 'prod' }), 'https://api-1.prod.svc:6060/debug/pprof/');
  assert.equal(attachUrl('http://{missing}/', 'x', {}), 'http://{missing}/');
});
