import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ChannelClosedError,
  checkFromWebviewMessage,
  fromWire,
  isFromWebviewMessage,
  isToWebviewMessage,
  MessageHandler,
  MessageType,
  RequestTimeoutError,
  toWire,
  type Envelope,
  type FromWebviewMessage,
  type ToWebviewMessage,
} from '../../../src/protocol/panel';

const envelope = (body: unknown, extra: Record<string, unknown> = {}) => ({ id: 1, body, ...extra });

describe('isFromWebviewMessage (the host checks every message it receives)', () => {
  it('accepts each well-formed request', () => {
    const good: FromWebviewMessage[] = [
      { type: MessageType.Ready },
      { type: MessageType.Ready, graphWidth: 1018 },
      { type: MessageType.SetGraphWidth, graphWidth: 1600 },
      { type: MessageType.SetSampleType, sampleIndex: 2 },
      { type: MessageType.Search, term: 'cache\\.Put' },
      { type: MessageType.SetFilter, filter: { focus: 'main', hide: 'runtime' } },
      { type: MessageType.SetInverted, inverted: true },
      { type: MessageType.ExpandNode, viewId: 3, nodeId: 41 },
      { type: MessageType.ListBases },
      { type: MessageType.Compare, baseId: 'snap-1' },
      { type: MessageType.Compare },
      { type: MessageType.OpenSource, function: 'main.main', file: '/src/main.go', line: 12 },
      { type: MessageType.SaveSnapshot },
    ];
    for (const body of good) assert.equal(checkFromWebviewMessage(envelope(body)), undefined, JSON.stringify(body));
  });

  it('rejects what is not an envelope', () => {
    for (const x of [null, undefined, 42, 'ready', [], { body: { type: 'ready' } }, { id: '1', body: { type: 'ready' } }, { id: 1 }, { id: 1, body: 'ready' }]) {
      assert.equal(isFromWebviewMessage(x), false, JSON.stringify(x));
    }
  });

  it('rejects unknown types, including types that only go to the webview', () => {
    assert.match(checkFromWebviewMessage(envelope({ type: 'evalThis' })) ?? '', /unknown message type/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.Init, view: {} })) ?? '', /unknown message type/);
    assert.match(checkFromWebviewMessage(envelope({ type: '__proto__' })) ?? '', /unknown message type/);
  });

  it('rejects missing, mistyped and extra fields', () => {
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.SetSampleType })) ?? '', /missing field "sampleIndex"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.SetSampleType, sampleIndex: '1' })) ?? '', /bad field "sampleIndex"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.SetSampleType, sampleIndex: -1 })) ?? '', /bad field/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.SetSampleType, sampleIndex: 1.5 })) ?? '', /bad field/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.SetInverted, inverted: 'yes' })) ?? '', /bad field "inverted"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.Ready, graphWidth: '1e9px' })) ?? '', /bad field "graphWidth"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.SetGraphWidth })) ?? '', /missing field "graphWidth"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.SetGraphWidth, graphWidth: -5 })) ?? '', /bad field "graphWidth"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.OpenSource, function: 'f', file: 7, line: 1 })) ?? '', /bad field "file"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.Ready, command: 'rm -rf' })) ?? '', /unexpected field "command"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.Ready }, { replyTo: 'x' })) ?? '', /bad replyTo/);
  });

  it('rejects filters with unknown keys or non-string values, and oversized strings', () => {
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.SetFilter, filter: { focus: 1 } })) ?? '', /bad field "filter"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.SetFilter, filter: { script: 'x' } })) ?? '', /bad field "filter"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.SetFilter, filter: null })) ?? '', /bad field "filter"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.Search, term: 'x'.repeat(5000) })) ?? '', /bad field "term"/);
  });
});

/** Two handlers wired back to back, as the extension and the page are. */
function pair(hostAnswer: (m: FromWebviewMessage) => Promise<ToWebviewMessage | undefined> | ToWebviewMessage | undefined) {
  const page: MessageHandler<FromWebviewMessage, ToWebviewMessage> = new MessageHandler<FromWebviewMessage, ToWebviewMessage>(
    (e) => setImmediate(() => host.handleMessage(e as Envelope<FromWebviewMessage>)),
    () => undefined,
  );
  const host: MessageHandler<ToWebviewMessage, FromWebviewMessage> = new MessageHandler<ToWebviewMessage, FromWebviewMessage>(
    (e) => setImmediate(() => page.handleMessage(e as Envelope<ToWebviewMessage>)),
    hostAnswer,
  );
  return { page, host };
}

describe('MessageHandler', () => {
  it('matches replies to requests by id, whatever order they come back in', async () => {
    const { page } = pair(async (m) => {
      if (m.type !== MessageType.Search) return undefined;
      await new Promise((r) => setTimeout(r, m.term === 'slow' ? 30 : 1));
      return { type: MessageType.SearchResult, term: m.term, matched: m.term.length, total: 100 };
    });
    const [slow, fast] = await Promise.all([
      page.sendRequest({ type: MessageType.Search, term: 'slow' }),
      page.sendRequest({ type: MessageType.Search, term: 'quick!' }),
    ]);
    assert.deepEqual([slow.term, slow.matched], ['slow', 4]);
    assert.deepEqual([fast.term, fast.matched], ['quick!', 6]);
    assert.equal(page.pendingCount, 0);
  });

  it('turns a handler error into a rejected request with its message', async () => {
    const { page } = pair(() => {
      throw new Error('focus: invalid regular expression "("');
    });
    await assert.rejects(page.sendRequest({ type: MessageType.SetFilter, filter: { focus: '(' } }), /invalid regular expression/);
  });

  it('rejects a request that gets no reply in time, and drops the late reply', async () => {
    let reply: (() => void) | undefined;
    const { page } = pair(
      () =>
        new Promise((resolve) => {
          reply = () => resolve({ type: MessageType.Done });
        }),
    );
    await assert.rejects(page.sendRequest({ type: MessageType.SaveSnapshot }, 20), (err: unknown) => err instanceof RequestTimeoutError && /saveSnapshot/.test(err.message));
    assert.equal(page.pendingCount, 0);
    reply?.();
    await new Promise((r) => setTimeout(r, 10)); // the late reply arrives and is ignored
    assert.equal(page.pendingCount, 0);
  });

  it('rejects pending requests when disposed (the panel closed), and refuses new ones', async () => {
    const { page } = pair(() => new Promise(() => {}));
    const pending = page.sendRequest({ type: MessageType.ListBases });
    const other = page.sendRequest({ type: MessageType.Ready });
    assert.equal(page.pendingCount, 2);
    page.dispose();
    await assert.rejects(pending, ChannelClosedError);
    await assert.rejects(other, ChannelClosedError);
    assert.equal(page.pendingCount, 0);
    await assert.rejects(page.sendRequest({ type: MessageType.Ready }), ChannelClosedError);
  });

  it('sends events without waiting and without a reply', async () => {
    const received: ToWebviewMessage[] = [];
    const posted: Array<Envelope<unknown>> = [];
    const host = new MessageHandler<ToWebviewMessage, FromWebviewMessage>((e) => posted.push(e), () => undefined);
    const page = new MessageHandler<FromWebviewMessage, ToWebviewMessage>(() => {}, (m) => {
      received.push(m);
      return undefined;
    });
    host.sendEvent({ type: MessageType.Done, note: 'reloaded' });
    assert.equal(posted.length, 1);
    assert.equal(posted[0]?.replyTo, undefined);
    page.handleMessage(posted[0] as Envelope<ToWebviewMessage>);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(received, [{ type: MessageType.Done, note: 'reloaded' }]);
  });
});

describe('the wire format (host → page)', () => {
  it('carries a body as JSON text and gives back the same envelope', () => {
    const envelope = { id: 7, replyTo: 3, body: { type: MessageType.Done, note: '<b>name</b> \u2028 “quoted”' } };
    const wire = toWire(envelope);
    assert.equal(typeof wire.json, 'string');
    assert.deepEqual(Object.keys(wire).sort(), ['id', 'json', 'replyTo']);
    assert.deepEqual(fromWire(structuredClone(wire)), envelope);
    assert.deepEqual(fromWire(toWire({ id: 1, body: { type: MessageType.Done } })), { id: 1, body: { type: MessageType.Done } });
  });

  it('leaves other shapes to the checks, and drops JSON that does not parse', () => {
    const plain = { id: 1, body: { type: MessageType.Done } };
    assert.equal(fromWire(plain), plain);
    assert.equal(fromWire('text'), 'text');
    assert.equal(fromWire({ id: 1, json: '{"type":' }), undefined);
    assert.equal(isToWebviewMessage(fromWire({ id: 1, json: '{"type":"nope"}' })), false);
  });
});
