import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkFromGoroutinesPageMessage,
  checkFromWebviewMessage,
  isToGoroutinesPageMessage,
  isToWebviewMessage,
  MessageHandler,
  MessageType,
  type Envelope,
  type FromGoroutinesPageMessage,
  type ToGoroutinesPageMessage,
} from '../../../src/protocol/panel';

const envelope = (body: unknown) => ({ id: 1, body });

describe('messages from the Goroutines and leak-watch pages', () => {
  it('accepts each well-formed request', () => {
    const good: FromGoroutinesPageMessage[] = [
      { type: MessageType.GoroutinesReady },
      { type: MessageType.StopWatch },
      { type: MessageType.ContinueWatch },
      { type: MessageType.OpenSource, function: 'example.com/m/search.(*Service).Search.func1', file: 'example.com/m/search/search.go', line: 59 },
      { type: MessageType.Error, message: 'boom' },
    ];
    for (const body of good) assert.equal(checkFromGoroutinesPageMessage(envelope(body)), undefined, JSON.stringify(body));
  });

  it('rejects the flame graph requests, which this host does not answer', () => {
    assert.match(checkFromGoroutinesPageMessage(envelope({ type: MessageType.Ready })) ?? '', /unknown message type "ready"/);
    assert.match(checkFromGoroutinesPageMessage(envelope({ type: MessageType.SetInverted, inverted: true })) ?? '', /unknown message type/);
  });

  it('and the flame-graph host rejects the Goroutines requests', () => {
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.GoroutinesReady })) ?? '', /unknown message type "goroutinesReady"/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.StopWatch })) ?? '', /unknown message type/);
    assert.match(checkFromWebviewMessage(envelope({ type: MessageType.ContinueWatch })) ?? '', /unknown message type/);
  });

  it('rejects extra and malformed fields', () => {
    assert.match(checkFromGoroutinesPageMessage(envelope({ type: MessageType.GoroutinesReady, html: '<b>' })) ?? '', /unexpected field "html"/);
    assert.match(checkFromGoroutinesPageMessage(envelope({ type: MessageType.OpenSource, function: 'f', file: 'x.go', line: -1 })) ?? '', /bad field "line"/);
    assert.match(checkFromGoroutinesPageMessage(envelope({ type: MessageType.OpenSource, function: 'f', line: 3 })) ?? '', /missing field "file"/);
    assert.equal(checkFromGoroutinesPageMessage({ body: { type: MessageType.StopWatch } }), 'missing or bad id');
  });

  it('the pages take Goroutines, Watch, Done and Error messages only', () => {
    for (const type of [MessageType.Goroutines, MessageType.Watch, MessageType.Done, MessageType.Error]) {
      assert.equal(isToGoroutinesPageMessage({ id: 2, body: { type } }), true, type);
    }
    assert.equal(isToGoroutinesPageMessage({ id: 2, body: { type: MessageType.Init } }), false);
    assert.equal(isToWebviewMessage({ id: 2, body: { type: MessageType.Goroutines } }), false);
  });

  it('a GoroutinesReady request is answered through the shared MessageHandler', async () => {
    const toPage: Envelope<ToGoroutinesPageMessage>[] = [];
    const link: { host?: MessageHandler<ToGoroutinesPageMessage, FromGoroutinesPageMessage> } = {};
    const page = new MessageHandler<FromGoroutinesPageMessage, ToGoroutinesPageMessage>(
      (e) => link.host?.handleMessage(e as Envelope<FromGoroutinesPageMessage>),
      () => undefined,
    );
    link.host = new MessageHandler<ToGoroutinesPageMessage, FromGoroutinesPageMessage>(
      (e) => {
        toPage.push(e as Envelope<ToGoroutinesPageMessage>);
        page.handleMessage(e as Envelope<ToGoroutinesPageMessage>);
      },
      (m) => (m.type === MessageType.StopWatch ? { type: MessageType.Done, note: 'stopped' } : undefined),
    );
    const reply = await page.sendRequest({ type: MessageType.StopWatch });
    assert.deepEqual(reply, { type: MessageType.Done, note: 'stopped' });
    assert.equal(toPage.length, 1);
  });
});
