import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProfileError } from '../../../src/pprof/errors';
import { TransportError } from '../../../src/pprof/fetch';
import {
  ChannelClosedError,
  ProtocolError,
  request,
  RequestTimeoutError,
  RpcEndpoint,
  type RequestHandlers,
  type RpcMessage,
  type SideSpec,
  type Transport,
} from '../../../src/protocol/rpc';
import { int, obj, optional, str, trusted } from '../../../src/protocol/shape';

/** What the "server" side of the test channel answers. */
const server = {
  requests: {
    add: request(obj({ a: int(), b: int() }), trusted<number>()),
    fail: request(obj({ kind: str() }), trusted<never>()),
    slow: request(obj({ ms: int() }), trusted<string>()),
    echo: request(obj({ text: optional(str(10)) }), trusted<{ text?: string }>()),
  },
  events: { note: obj({ text: str() }) },
} satisfies SideSpec;

const client = { requests: {}, events: { progress: obj({ done: int() }) } } satisfies SideSpec;

/** Two transports wired back to back, asynchronous like postMessage, each message cloned. */
function pipe(): { a: Transport; b: Transport; sentByA: RpcMessage[]; injectIntoB(x: unknown): void } {
  const listeners: { a?: (m: unknown) => void; b?: (m: unknown) => void } = {};
  const sentByA: RpcMessage[] = [];
  const a: Transport = {
    post: (m) => {
      sentByA.push(m);
      setImmediate(() => listeners.b?.(structuredClone(m)));
    },
    listen: (r) => ((listeners.a = r), () => (listeners.a = undefined)),
  };
  const b: Transport = {
    post: (m) => setImmediate(() => listeners.a?.(structuredClone(m))),
    listen: (r) => ((listeners.b = r), () => (listeners.b = undefined)),
  };
  return { a, b, sentByA, injectIntoB: (x) => setImmediate(() => listeners.b?.(x)) };
}

function channel(handlers: Partial<RequestHandlers<typeof server>> = {}) {
  const { a, b, injectIntoB } = pipe();
  const notes: string[] = [];
  const progress: number[] = [];
  const malformed: string[] = [];
  const serverEnd = new RpcEndpoint({
    peer: 'the test client',
    local: server,
    remote: client,
    transport: b,
    requests: {
      add: ({ a: x, b: y }) => x + y,
      fail: ({ kind }) => {
        if (kind === 'profile') throw new ProfileError('not a profile: the file is empty');
        if (kind === 'transport') throw new TransportError('refused', 'nothing listens on 127.0.0.1:1', 'http://127.0.0.1:1/', 503);
        if (kind === 'string') throw 'a thrown string';
        throw new RangeError('out of range');
      },
      slow: ({ ms }) => new Promise((resolve) => setTimeout(() => resolve('late'), ms)),
      echo: (p) => p,
      ...handlers,
    },
    events: { note: ({ text }) => notes.push(text) },
    errors: [ProfileError, TransportError],
    onMalformed: (problem) => malformed.push(problem),
  });
  const clientEnd = new RpcEndpoint({
    peer: 'the test server',
    local: client,
    remote: server,
    transport: a,
    requests: {},
    events: { progress: ({ done }) => progress.push(done) },
    errors: [ProfileError, TransportError],
    timeoutMs: 1_000,
  });
  return { serverEnd, clientEnd, notes, progress, malformed, injectIntoB };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('RpcEndpoint (the one request/reply mechanism)', () => {
  it('answers typed requests and delivers events both ways', async () => {
    const { serverEnd, clientEnd, notes, progress } = channel();
    assert.equal(await clientEnd.request('add', { a: 2, b: 40 }), 42);
    clientEnd.notify('note', { text: 'hello' });
    serverEnd.notify('progress', { done: 3 });
    await tick();
    assert.deepEqual(notes, ['hello']);
    assert.deepEqual(progress, [3]);
    assert.equal(clientEnd.pendingCount, 0);
  });

  it('times a request out, and drops its late reply', async () => {
    const { clientEnd } = channel();
    await assert.rejects(clientEnd.request('slow', { ms: 300 }, { timeoutMs: 50 }), (err: unknown) => {
      assert.ok(err instanceof RequestTimeoutError);
      assert.match(err.message, /the test server did not answer "slow" within 50 ms/);
      return true;
    });
    assert.equal(clientEnd.pendingCount, 0);
    await new Promise((resolve) => setTimeout(resolve, 350)); // the late reply arrives and is ignored
    assert.equal(await clientEnd.request('add', { a: 1, b: 1 }), 2);
  });

  it('dispose rejects what is pending, refuses new calls and stops answering', async () => {
    const { serverEnd, clientEnd } = channel();
    const pending = clientEnd.request('slow', { ms: 200 });
    await tick();
    clientEnd.dispose('the panel was closed');
    await assert.rejects(pending, (err: unknown) => err instanceof ChannelClosedError && /the panel was closed/.test(err.message));
    await assert.rejects(clientEnd.request('add', { a: 1, b: 2 }), ChannelClosedError);
    assert.equal(clientEnd.pendingCount, 0);
    clientEnd.notify('note', { text: 'ignored' }); // no throw

    // A disposed answering side neither handles nor replies: the caller times out.
    const { serverEnd: s2, clientEnd: c2 } = channel();
    s2.dispose();
    await assert.rejects(c2.request('add', { a: 1, b: 2 }, { timeoutMs: 100 }), RequestTimeoutError);
    serverEnd.dispose();
  });

  it('errors keep their class and fields across the boundary', async () => {
    const { clientEnd } = channel();
    await assert.rejects(clientEnd.request('fail', { kind: 'profile' }), (err: unknown) => {
      assert.ok(err instanceof ProfileError, `got ${String(err)}`);
      assert.equal(err.name, 'ProfileError');
      assert.equal(err.message, 'not a profile: the file is empty');
      return true;
    });
    await assert.rejects(clientEnd.request('fail', { kind: 'transport' }), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.kind, 'refused');
      assert.equal(err.url, 'http://127.0.0.1:1/');
      assert.equal(err.status, 503);
      return true;
    });
    // A class the channel does not list keeps its name and message, as a plain Error.
    await assert.rejects(clientEnd.request('fail', { kind: 'range' }), (err: unknown) => {
      assert.ok(!(err instanceof RangeError) && err instanceof Error);
      assert.equal(err.name, 'RangeError');
      assert.equal(err.message, 'out of range');
      return true;
    });
    await assert.rejects(clientEnd.request('fail', { kind: 'string' }), { message: 'a thrown string' });
  });

  it('checks every received message: malformed requests are refused with a ProtocolError, the rest dropped', async () => {
    const { clientEnd, injectIntoB, malformed } = channel();
    // Parameters of the wrong shape, an unknown field, an oversized string: refused before the handler.
    await assert.rejects(clientEnd.request('add', { a: 1, b: '2' } as never), (err: unknown) => {
      assert.ok(err instanceof ProtocolError);
      assert.match(err.message, /bad field "b" in request "add"/);
      return true;
    });
    await assert.rejects(clientEnd.request('echo', { text: 'x', extra: 1 } as never), /unexpected field "extra"/);
    await assert.rejects(clientEnd.request('echo', { text: 'x'.repeat(11) }), /bad field "text"/);
    assert.deepEqual(await clientEnd.request('echo', {}), {});
    await assert.rejects(clientEnd.request('nope' as never, {} as never), /unknown request "nope"/);
    // Not messages at all, an unknown kind, an event of an unknown method or with bad parameters, a
    // request named after an Object property: dropped and reported.
    for (const x of [null, 'add', 42, [], { kind: 'eval', code: 'x' }, { kind: 'request', id: -1, method: 'add', params: {} }, { kind: 'event', method: 'note', params: { text: 7 } }, { kind: 'event', method: 'toString', params: {} }, { kind: 'request', id: 9, method: '__proto__', params: {} }]) {
      injectIntoB(x);
    }
    await tick();
    assert.equal(malformed.length, 9 + 4, malformed.join('\n'));
    assert.ok(malformed.some((m) => /not an object/.test(m)));
    assert.ok(malformed.some((m) => /unknown message kind "eval"/.test(m)));
    assert.ok(malformed.some((m) => /bad field "text" in event "note"/.test(m)));
    assert.ok(malformed.some((m) => /unknown event "toString"/.test(m)));
    assert.ok(malformed.some((m) => /unknown request "__proto__"/.test(m)));
  });

  it('checks results when the other side is not trusted', async () => {
    const shaped = { requests: { count: request(obj({}), int()) }, events: {} } satisfies SideSpec;
    const { a, b } = pipe();
    new RpcEndpoint({ peer: 'p', local: shaped, remote: { requests: {}, events: {} }, transport: b, requests: { count: () => -1 }, events: {} });
    const caller = new RpcEndpoint({ peer: 'the page', local: { requests: {}, events: {} }, remote: shaped, transport: a, requests: {}, events: {}, checkResults: true });
    await assert.rejects(caller.request('count', {}), (err: unknown) => err instanceof ProtocolError && /the page answered "count" with a malformed result/.test(err.message));
  });

  it('reports the number of pending requests (a worker is kept alive only while it is above 0)', async () => {
    const { a, b } = pipe();
    const counts: number[] = [];
    new RpcEndpoint({ peer: 's', local: server, remote: client, transport: b, requests: { add: ({ a: x, b: y }) => x + y, fail: () => Promise.reject(new Error('x')), slow: () => 'x', echo: (p) => p }, events: { note: () => {} } });
    const c = new RpcEndpoint({ peer: 'c', local: client, remote: server, transport: a, requests: {}, events: { progress: () => {} }, onPendingChange: (n) => counts.push(n) });
    await Promise.all([c.request('add', { a: 1, b: 2 }), c.request('add', { a: 3, b: 4 })]);
    assert.deepEqual(counts, [1, 2, 1, 0]);
  });
});
