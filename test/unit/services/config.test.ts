import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultServiceName, fetchOptionsFor, parseServicesSetting } from '../../../src/services/config';

describe('parseServicesSetting', () => {
  test('well-formed entries, URLs normalised to the pprof base', () => {
    const { services, problems } = parseServicesSetting([
      { name: 'shop', url: 'http://127.0.0.1:6060', headers: { 'X-Tenant': 'shop' }, insecure: false },
      { url: 'https://billing.internal:8443/debug/pprof', insecure: true, readTimeoutMs: 60000 },
    ]);
    assert.deepEqual(problems, []);
    assert.deepEqual(services, [
      { name: 'shop', url: 'http://127.0.0.1:6060/debug/pprof/', headers: { 'X-Tenant': 'shop' }, insecure: false },
      { name: 'billing.internal:8443', url: 'https://billing.internal:8443/debug/pprof/', insecure: true, readTimeoutMs: 60000 },
    ]);
  });

  test('each bad entry gets one message and the good ones are kept', () => {
    const { services, problems } = parseServicesSetting([
      { name: 'a', url: 'http://a:1' },
      'http://b',
      { name: 'c' },
      { name: 'd', url: 'ftp://d/' },
      { name: 'e', url: 'http://e', headers: { Authorization: 'Bearer x' } },
      { name: 'f', url: 'http://f', headers: { 'x-a': 1 } },
      { name: 'g', url: 'http://g', maxBytes: -5 },
      { name: 'a', url: 'http://a2' },
      { name: 'h', url: 'http://h', headers: { 'x-a': 'one\r\nInjected: yes' } },
    ]);
    assert.deepEqual(services.map((s) => s.name), ['a']);
    assert.deepEqual(problems, [
      'goroscope.services[1]: expected an object with name and url',
      'goroscope.services[2]: url is missing',
      'goroscope.services[3]: "ftp://d/": pprof is served over http or https, not ftp',
      "goroscope.services[4]: an Authorization header does not belong in settings files: Goroscope keeps bearer tokens in VS Code's secret storage",
      'goroscope.services[5]: header "x-a" must be a string',
      'goroscope.services[6]: maxBytes must be a positive number',
      'goroscope.services[7]: the name "a" is used twice; the first one is kept',
      'goroscope.services[8]: header "x-a" contains a line break',
    ]);
  });

  test('not a list', () => {
    assert.deepEqual(parseServicesSetting({ url: 'x' }).problems, ['goroscope.services must be a list of {name, url} objects']);
    assert.deepEqual(parseServicesSetting(undefined), { services: [], problems: [] });
  });
});

test('fetchOptionsFor carries the service settings and the caller\'s token and signal', () => {
  const signal = new AbortController().signal;
  assert.deepEqual(
    fetchOptionsFor({ name: 's', url: 'http://s/debug/pprof/', headers: { a: 'b' }, insecure: true, connectTimeoutMs: 1, maxBytes: 2 }, { bearerToken: 't', signal }),
    { headers: { a: 'b' }, insecure: true, connectTimeoutMs: 1, maxBytes: 2, bearerToken: 't', signal },
  );
  assert.deepEqual(fetchOptionsFor({ name: 's', url: 'http://s/' }), {});
});

test('defaultServiceName is host:port', () => {
  assert.equal(defaultServiceName('localhost:6060'), 'localhost:6060');
  assert.equal(defaultServiceName('http://api.example.com/debug/pprof/'), 'api.example.com');
});
