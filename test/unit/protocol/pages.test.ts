/**
 * The webview pages' channels (flamePage.ts, goroutinesPage.ts, watchPage.ts over webview.ts): the host
 * checks every message a page sends against its channel's shapes and refuses the rest; the wire carries
 * payloads as JSON text; the compiler asks for a handler of every request.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProfileError } from '../../../src/pprof/errors';
import { flameHost, flamePage, type FlameHostHandlers } from '../../../src/protocol/flamePage';
import { goroutinesHost, goroutinesPage, type GoroutinesHostHandlers } from '../../../src/protocol/goroutinesPage';
import { ChannelClosedError, RequestTimeoutError, RpcEndpoint, type RpcMessage, type SideSpec } from '../../../src/protocol/rpc';
import { watchHost, watchPage } from '../../../src/protocol/watchPage';
import { fromWire, hostTransport, linkedTransports, toWire, type WebviewLike } from '../../../src/protocol/webview';

/** A stand-in for vscode.Webview: what the host posts, and a way to deliver what a page sends. */
function fakeWebview(): WebviewLike & { posted: unknown[]; deliver(x: unknown): void } {
  let listener: ((m: unknown) => void) | undefined;
  const posted: unknown[] = [];
  return {
    posted,
    postMessage: (m) => posted.push(m),
    onDidReceiveMessage: (l) => ((listener = l), { dispose: () => (listener = undefined) }),
    deliver: (x) => listener?.(x),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

/** A host endpoint of `spec` whose handlers all answer `{ ok: method }`, with what it refused. */
function host<S extends SideSpec>(spec: S, page: SideSpec) {
  const webview = fakeWebview();
  const handled: Array<[string, unknown]> = [];
  const refused: string[] = [];
  const requests = Object.fromEntries(Object.keys(spec.requests).map((m) => [m, (p: unknown) => (handled.push([m, p]), { ok: m })]));
  new RpcEndpoint({ peer: 'the page', local: spec, remote: page, transport: hostTransport(webview), requests: requests as never, events: {} as never, onMalformed: (p) => refused.push(p) });
  let id = 1;
  const send = async (method: string, params: unknown) => {
    const message: RpcMessage = { kind: 'request', id: id++, method, params };
    webview.deliver(toWire(message));
    await tick();
    return fromWire(webview.posted.at(-1)) as RpcMessage;
  };
  return { webview, handled, refused, send };
}

describe('the flame page channel: the host checks what the page sends', () => {
  it('answers each well-formed request', async () => {
    const h = host(flameHost, flamePage);
    const good: Array<[string, unknown]> = [
      ['ready', {}],
      ['ready', { graphWidth: 1018 }],
      ['setGraphWidth', { graphWidth: 1600 }],
      ['setSampleType', { sampleIndex: 2 }],
      ['search', { term: 'cache\\.Put' }],
      ['setFilter', { filter: { focus: 'main', hide: 'runtime' } }],
      ['setInverted', { inverted: true }],
      ['expandNode', { viewId: 3, nodeId: 41 }],
      ['listBases', {}],
      ['compare', { baseId: 'snap-1' }],
      ['compare', {}],
      ['openSource', { function: 'main.main', file: '/src/main.go', line: 12 }],
      ['saveSnapshot', {}],
    ];
    for (const [method, params] of good) {
      const reply = await h.send(method, params);
      assert.deepEqual(reply, { kind: 'reply', id: reply.kind === 'reply' ? reply.id : -1, result: { ok: method } }, method);
    }
    assert.deepEqual(h.handled, good);
    assert.deepEqual(h.refused, []);
  });

  it('refuses missing, mistyped, extra and oversized fields before any handler runs', async () => {
    const h = host(flameHost, flamePage);
    const bad: Array<[string, unknown, RegExp]> = [
      ['setSampleType', {}, /missing field "sampleIndex"/],
      ['setSampleType', { sampleIndex: '1' }, /bad field "sampleIndex"/],
      ['setSampleType', { sampleIndex: -1 }, /bad field "sampleIndex"/],
      ['setSampleType', { sampleIndex: 1.5 }, /bad field "sampleIndex"/],
      ['setInverted', { inverted: 'yes' }, /bad field "inverted"/],
      ['ready', { graphWidth: '1e9px' }, /bad field "graphWidth"/],
      ['ready', { command: 'rm -rf' }, /unexpected field "command"/],
      ['openSource', { function: 'f', file: 7, line: 1 }, /bad field "file"/],
      ['setFilter', { filter: { focus: 1 } }, /bad field "filter.focus"/],
      ['setFilter', { filter: { script: 'x' } }, /unexpected field "filter.script"/],
      ['setFilter', { filter: null }, /bad field "filter"/],
      ['search', { term: 'x'.repeat(5000) }, /bad field "term"/],
      ['listBases', null, /not an object/],
      // Requests of other pages, or of no page: this host does not know them.
      ['stop', {}, /unknown request "stop"/],
      ['evalThis', {}, /unknown request "evalThis"/],
      ['__proto__', {}, /unknown request "__proto__"/],
      ['toString', {}, /unknown request "toString"/],
    ];
    for (const [method, params, problem] of bad) {
      const reply = await h.send(method, params);
      assert.equal(reply.kind, 'error', method);
      assert.match(reply.kind === 'error' ? reply.error.message : '', problem, method);
      assert.equal(reply.kind === 'error' ? reply.error.name : '', 'ProtocolError');
    }
    assert.deepEqual(h.handled, []);
    assert.equal(h.refused.length, bad.length);
  });

  it('drops what is not a message at all', async () => {
    const h = host(flameHost, flamePage);
    for (const x of [null, undefined, 42, 'ready', [], { body: { type: 'ready' } }, { kind: 'request', id: '1', method: 'ready', json: '{}' }, { kind: 'request', id: 1, method: 'ready', json: '{"' }]) h.webview.deliver(x);
    await tick();
    assert.equal(h.handled.length, 0);
    assert.ok(h.refused.length >= 7, h.refused.join('\n'));
  });
});

describe('the Goroutines and watch channels', () => {
  it('each host answers its own requests and refuses the others', async () => {
    const g = host(goroutinesHost, goroutinesPage);
    assert.equal((await g.send('ready', {})).kind, 'reply');
    assert.equal((await g.send('openSource', { function: 'f', file: 'x.go', line: 3 })).kind, 'reply');
    assert.match(JSON.stringify(await g.send('stop', {})), /unknown request \\"stop\\"/);
    assert.match(JSON.stringify(await g.send('setInverted', { inverted: true })), /unknown request/);
    assert.match(JSON.stringify(await g.send('openSource', { function: 'f', file: 'x.go', line: -1 })), /bad field \\"line\\"/);
    assert.match(JSON.stringify(await g.send('ready', { html: '<b>' })), /unexpected field \\"html\\"/);
    const w = host(watchHost, watchPage);
    for (const m of ['ready', 'stop', 'continue']) assert.equal((await w.send(m, {})).kind, 'reply', m);
    assert.match(JSON.stringify(await w.send('setFilter', { filter: {} })), /unknown request/);
  });

  it('the compiler asks for a handler of every request', () => {
    // @ts-expect-error -- openSource is missing
    const incomplete: GoroutinesHostHandlers = { ready: async () => ({}) as never };
    // @ts-expect-error -- search is missing from an otherwise complete table
    const flame: FlameHostHandlers = { ready: async () => ({}) as never, setSampleType: null as never, setFilter: null as never, setInverted: null as never, setGraphWidth: null as never, expandNode: null as never, listBases: null as never, compare: null as never, openSource: null as never, saveSnapshot: null as never };
    assert.ok(incomplete && flame);
  });
});

describe('the wire (payloads as JSON text)', () => {
  it('carries every kind of message and gives it back', () => {
    const messages: RpcMessage[] = [
      { kind: 'request', id: 7, method: 'search', params: { term: '<b>name</b> \u2028 “quoted”' } },
      { kind: 'event', method: 'view', params: { title: 'x' } },
      { kind: 'reply', id: 7, result: { matched: 1, total: 2 } },
      { kind: 'reply', id: 8, result: null },
      { kind: 'error', id: 9, error: { name: 'ProfileError', message: 'empty input', data: { maxBytes: 1 } } },
    ];
    for (const m of messages) {
      const wire = toWire(m);
      assert.equal(typeof wire.json, 'string');
      assert.deepEqual(fromWire(structuredClone(wire)), m);
    }
  });

  it('page and host over the wire: a ProfileError reaches the page as one', async () => {
    const webview = fakeWebview();
    new RpcEndpoint({
      peer: 'the page',
      local: flameHost,
      remote: flamePage,
      transport: hostTransport(webview),
      requests: { search: () => Promise.reject(new ProfileError('search: invalid regular expression')) } as unknown as FlameHostHandlers,
      events: {},
      errors: [ProfileError],
    });
    const page = new RpcEndpoint({
      peer: 'the extension',
      local: flamePage,
      remote: flameHost,
      transport: {
        post: (m) => webview.deliver(toWire(m)),
        listen: (receive) => {
          const timer = setInterval(() => {
            for (const m of webview.posted.splice(0)) receive(fromWire(m));
          }, 1);
          return () => clearInterval(timer);
        },
      },
      requests: {},
      events: {},
      errors: [ProfileError],
    });
    await assert.rejects(page.request('search', { term: '(' }), (err: unknown) => err instanceof ProfileError && /invalid regular expression/.test(err.message));
    page.dispose();
  });
});

describe('a page and its host over the wire: the rules of every channel', () => {
  /** The flame page and a host whose `search` answers only when the test says (report.html links them like this). */
  function linked() {
    const [hostEnd, pageEnd] = linkedTransports();
    const answers: Array<() => void> = [];
    const handled: string[] = [];
    const search = ({ term }: { term: string }) =>
      new Promise<{ term: string; matched: number; total: number }>((resolve) => {
        handled.push(term);
        answers.push(() => resolve({ term, matched: 1, total: 2 }));
      });
    const host = new RpcEndpoint({ peer: 'the page', local: flameHost, remote: flamePage, transport: hostEnd, requests: { search } as unknown as FlameHostHandlers, events: {}, errors: [ProfileError] });
    const page = new RpcEndpoint({ peer: 'the extension', local: flamePage, remote: flameHost, transport: pageEnd, requests: {}, events: {}, errors: [ProfileError], timeoutMs: 5_000 });
    const answerAll = () => answers.splice(0).forEach((answer) => answer());
    return { host, page, handled, answerAll };
  }

  it('a typed request gets its reply', async () => {
    const { page, answerAll, handled } = linked();
    const reply = page.request('search', { term: 'main' });
    while (handled.length === 0) await tick();
    answerAll();
    assert.deepEqual(await reply, { term: 'main', matched: 1, total: 2 });
    page.dispose();
  });

  it('a request the host does not answer in time rejects with RequestTimeoutError, and its late reply is dropped', async () => {
    const { page, handled, answerAll } = linked();
    await assert.rejects(page.request('search', { term: 'slow' }, { timeoutMs: 50 }), (err: unknown) => err instanceof RequestTimeoutError && /did not answer "search" within 50 ms/.test(err.message));
    assert.deepEqual(handled, ['slow']);
    answerAll();
    await tick();
    assert.equal(page.pendingCount, 0);
    const next = page.request('search', { term: 'next' });
    while (handled.length < 2) await tick();
    answerAll();
    assert.equal((await next).term, 'next');
    page.dispose();
  });

  it("the page's dispose rejects what is pending and refuses new calls", async () => {
    const { page, handled } = linked();
    const pending = page.request('search', { term: 'a' });
    while (handled.length === 0) await tick();
    page.dispose();
    await assert.rejects(pending, ChannelClosedError);
    await assert.rejects(page.request('search', { term: 'b' }), ChannelClosedError);
    await tick();
    assert.deepEqual(handled, ['a'], 'nothing is sent after dispose');
  });

  it('a closed panel (the host disposed) answers nothing more, not even requests already received', async () => {
    const { host, page, handled, answerAll } = linked();
    const pending = page.request('search', { term: 'a' }, { timeoutMs: 200 });
    while (handled.length === 0) await tick();
    host.dispose();
    answerAll();
    await assert.rejects(pending, RequestTimeoutError);
    await assert.rejects(page.request('search', { term: 'b' }, { timeoutMs: 100 }), RequestTimeoutError);
    assert.deepEqual(handled, ['a']);
    page.dispose();
  });
});
