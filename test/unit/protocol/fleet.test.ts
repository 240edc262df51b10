import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFromFleetPageMessage, isToFleetPageMessage } from '../../../src/protocol/fleet';

test('the host accepts the fleet page messages it knows, exactly shaped', () => {
  assert.equal(checkFromFleetPageMessage({ type: 'ready' }), undefined);
  assert.equal(checkFromFleetPageMessage({ type: 'refresh' }), undefined);
  assert.equal(checkFromFleetPageMessage({ type: 'setRange', range: '24h' }), undefined);
  assert.equal(checkFromFleetPageMessage({ type: 'attach', instance: '10.0.0.1:8080' }), undefined);
});

test('the host drops anything else with a reason', () => {
  assert.match(checkFromFleetPageMessage(null) ?? '', /not an object/);
  assert.match(checkFromFleetPageMessage({ type: 'eval', code: 'x' }) ?? '', /unknown message type/);
  assert.match(checkFromFleetPageMessage({ type: 'ready', extra: 1 }) ?? '', /unexpected field "extra"/);
  assert.match(checkFromFleetPageMessage({ type: 'setRange', range: '1h; rm -rf' }) ?? '', /bad field "range"/);
  assert.match(checkFromFleetPageMessage({ type: 'attach', instance: '' }) ?? '', /bad field "instance"/);
  assert.match(checkFromFleetPageMessage({ type: 'attach', instance: 'x'.repeat(2000) }) ?? '', /bad field "instance"/);
});

test('the page accepts only the host messages it knows', () => {
  assert.ok(isToFleetPageMessage({ type: 'status', kind: 'error', text: 'down' }));
  assert.ok(isToFleetPageMessage({ type: 'fleet', view: {} }));
  assert.ok(!isToFleetPageMessage({ type: 'status', kind: 'html', text: 'x' }));
  assert.ok(!isToFleetPageMessage({ type: 'other' }));
});
