/**
 * The fleet page's channel as the host sees it: an RpcEndpoint over fleetHost, fed what a browser page
 * could send. Well-formed requests and events reach their handlers; anything else is dropped with a
 * reason (and a malformed request is answered with an error), never handed on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fleetHost, fleetPage } from '../../../src/protocol/fleet';
import { RpcEndpoint, type RpcMessage } from '../../../src/protocol/rpc';

function hostEndpoint() {
  const posted: RpcMessage[] = [];
  const malformed: string[] = [];
  const seen: unknown[] = [];
  let receive: (m: unknown) => void = () => {};
  const endpoint = new RpcEndpoint({
    peer: 'the fleet page',
    local: fleetHost,
    remote: fleetPage,
    transport: {
      post: (m) => posted.push(m),
      listen: (r) => {
        receive = r;
        return () => {};
      },
    },
    requests: { ready: () => null },
    events: { refresh: (p) => seen.push(['refresh', p]), setRange: (p) => seen.push(['setRange', p]), attach: (p) => seen.push(['attach', p]) },
    onMalformed: (p) => malformed.push(p),
  });
  return { endpoint, posted, malformed, seen, send: (m: unknown) => receive(m) };
}

test('the host answers ready and hands well-formed events to their handlers', async () => {
  const host = hostEndpoint();
  host.send({ kind: 'request', id: 1, method: 'ready', params: {} });
  host.send({ kind: 'event', method: 'setRange', params: { range: '24h' } });
  host.send({ kind: 'event', method: 'attach', params: { instance: '10.0.0.1:8080' } });
  host.send({ kind: 'event', method: 'refresh', params: {} });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(host.posted, [{ kind: 'reply', id: 1, result: null }]);
  assert.deepEqual(host.seen, [['setRange', { range: '24h' }], ['attach', { instance: '10.0.0.1:8080' }], ['refresh', {}]]);
  assert.deepEqual(host.malformed, []);
  host.endpoint.dispose();
});

test('the host drops anything else with a reason, and answers a malformed request with an error', async () => {
  const host = hostEndpoint();
  host.send(null);
  host.send({ kind: 'event', method: 'eval', params: { code: 'x' } });
  host.send({ kind: 'event', method: 'setRange', params: { range: '1h; rm -rf /' } });
  host.send({ kind: 'event', method: 'refresh', params: { extra: 1 } });
  host.send({ kind: 'event', method: 'attach', params: { instance: 'x'.repeat(2000) } });
  host.send({ kind: 'request', id: 7, method: 'ready', params: { sneaky: true } });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(host.seen, []);
  assert.equal(host.malformed.length, 6);
  assert.match(host.malformed.join('\n'), /unknown event "eval"/);
  assert.match(host.malformed.join('\n'), /bad field "range" in event "setRange"/);
  assert.match(host.malformed.join('\n'), /unexpected field "extra" in event "refresh"/);
  assert.match(host.malformed.join('\n'), /bad field "instance" in event "attach"/);
  assert.equal(host.posted[0]?.kind, 'error');
  host.endpoint.dispose();
});
