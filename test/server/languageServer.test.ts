import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import {
  CodeActionKind,
  CodeActionRequest,
  DiagnosticSeverity,
  FileChangeType,
  MessageType,
  TextDocumentSyncKind,
  type CodeAction,
  type TextDocumentEdit,
} from 'vscode-languageserver-protocol/node';
import { walkGoFiles } from '../../src/lint/goFiles';
import { ruleDocUrl } from '../../src/lint/rules';
import { goSrc } from '../goToolchain';
import { applyEdits, copyFixtureModule, positionOf, SERVER_FIXTURES } from './fixtureWorkspace';
import { LspSession, uriOf, type StartOptions } from './lspSession';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startInFixture(options: Omit<StartOptions, 'workspaceFolder'> = {}) {
  const ws = copyFixtureModule();
  cleanups.push(ws.dispose);
  const lsp = await LspSession.start({ ...options, workspaceFolder: ws.dir });
  cleanups.push(() => lsp.stop());
  // Indexing the folder ends with a lint of the open documents: let it finish before the test acts.
  await lsp.logMessage((l) => /indexed \d+ Go files/.test(l.message), 30_000);
  return { ws, lsp };
}

describe('language server over stdio', () => {

  test('initialize advertises incremental sync, save notifications and quick fixes', async () => {
    const { lsp } = await startInFixture();
    const caps = lsp.initializeResult?.capabilities;
    assert.ok(caps);
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } });
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: [CodeActionKind.QuickFix] });
  });

  test('didOpen publishes defer-in-loop on the defer statement, with code, link and source', async () => {
    const { ws, lsp } = await startInFixture();
    const file = ws.file('leaky.go');
    const text = ws.read('leaky.go');
    const published = lsp.nextDiagnostics(uriOf(file));
    await lsp.open(file, text);
    const { diagnostics, version } = await published;
    assert.equal(version, 1);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [d] = diagnostics;
    assert.ok(d);
    const start = positionOf(text, 'defer f.Close()');
    assert.deepEqual(d.range.start, start);
    assert.deepEqual(d.range.end, { line: start.line, character: start.character + 'defer f.Close()'.length });
    assert.equal(d.code, 'defer-in-loop');
    assert.equal(d.source, 'goroscope');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.equal(d.codeDescription?.href, ruleDocUrl('defer-in-loop'));
    assert.match(d.message, /f\.Close\(\)/);
  });

  test('didOpen of a file without leaks publishes an empty list', async () => {
    const { ws, lsp } = await startInFixture();
    const file = ws.file('clean.go');
    const published = lsp.nextDiagnostics(uriOf(file));
    await lsp.open(file, ws.read('clean.go'));
    assert.deepEqual((await published).diagnostics, []);
  });

  test('in onSave mode an edit publishes nothing until didSave, which lints the new text and logs its timing', async () => {
    const { ws, lsp } = await startInFixture();
    const file = ws.file('ontype.go');
    const text = ws.read('ontype.go');
    const opened = lsp.nextDiagnostics(uriOf(file));
    await lsp.open(file, text);
    assert.deepEqual((await opened).diagnostics, []);

    const at = positionOf(text, 'f.Close()');
    await lsp.change(file, [{ range: { start: at, end: at }, text: 'defer ' }]);
    await lsp.expectNoDiagnostics(uriOf(file), 700);

    const saved = lsp.nextDiagnostics(uriOf(file));
    await lsp.save(file);
    const { diagnostics, version } = await saved;
    assert.equal(version, 2);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.start]),
      [['defer-in-loop', at]],
    );
    const timing = await lsp.logMessage((l) => /didSave→publishDiagnostics [\d.]+ ms/.test(l.message));
    assert.equal(timing.type, MessageType.Debug);
    assert.match(timing.message, /ontype\.go: 1 finding/);
  });

  test('codeAction returns the preferred quick fix whose edit moves the loop body into a function literal', async () => {
    const { ws, lsp } = await startInFixture();
    const file = ws.file('leaky.go');
    const text = ws.read('leaky.go');
    const opened = lsp.nextDiagnostics(uriOf(file));
    await lsp.open(file, text);
    const { diagnostics } = await opened;
    const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(file) },
      range: diagnostics[0]!.range,
      context: { diagnostics, only: [CodeActionKind.QuickFix] },
    })) as CodeAction[];
    assert.equal(actions.length, 1, JSON.stringify(actions));
    const [action] = actions;
    assert.equal(action?.title, 'Move the loop body into a function literal');
    assert.equal(action?.kind, CodeActionKind.QuickFix);
    assert.equal(action?.isPreferred, true);
    assert.deepEqual(action?.diagnostics, diagnostics);
    const change = action?.edit?.documentChanges?.[0] as TextDocumentEdit;
    assert.deepEqual(change.textDocument, { uri: uriOf(file), version: 1 });
    const fixed = applyEdits(text, change.edits);
    assert.equal(fixed, readFileSync(path.join(SERVER_FIXTURES, 'leaky.go.fixed'), 'utf8'));

    // The fixed text, saved, reports nothing.
    await lsp.change(file, [{ text: fixed }]);
    const saved = lsp.nextDiagnostics(uriOf(file));
    await lsp.save(file);
    assert.deepEqual((await saved).diagnostics, []);
  });

  test('codeAction ignores diagnostics from other sources', async () => {
    const { ws, lsp } = await startInFixture();
    const file = ws.file('leaky.go');
    const opened = lsp.nextDiagnostics(uriOf(file));
    await lsp.open(file, ws.read('leaky.go'));
    const { diagnostics } = await opened;
    const foreign = diagnostics.map((d) => ({ ...d, source: 'go vet' }));
    const actions = await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(file) },
      range: diagnostics[0]!.range,
      context: { diagnostics: foreign },
    });
    assert.deepEqual(actions, []);
  });

  test('settings are pulled per document; disabledRules hides a rule and enable=false clears the document', async () => {
    const { ws, lsp } = await startInFixture();
    const file = ws.file('leaky.go');
    const uri = uriOf(file);
    const opened = lsp.nextDiagnostics(uri);
    await lsp.open(file, ws.read('leaky.go'));
    assert.equal((await opened).diagnostics.length, 1);
    assert.ok(lsp.configurationRequests.includes(uri), `settings not asked for ${uri}: ${lsp.configurationRequests.join(', ')}`);

    let next = lsp.nextDiagnostics(uri);
    await lsp.changeSettings({ disabledRules: ['defer-in-loop'] });
    assert.deepEqual((await next).diagnostics, []);

    next = lsp.nextDiagnostics(uri);
    await lsp.changeSettings({ disabledRules: [] });
    assert.deepEqual((await next).diagnostics.map((d) => d.code), ['defer-in-loop']);

    next = lsp.nextDiagnostics(uri);
    await lsp.changeSettings({ enable: false });
    assert.deepEqual((await next).diagnostics, []);

    // Disabled: saving publishes nothing but an empty list, and no code actions come back.
    next = lsp.nextDiagnostics(uri);
    await lsp.save(file);
    assert.deepEqual((await next).diagnostics, []);
  });

  test('goroscope.lint.tests = off leaves a _test.go file without findings; on brings them back', async () => {
    const { ws, lsp } = await startInFixture();
    const file = ws.file('leaky_test.go');
    const text = ws.read('leaky.go').replace(/^package (\w+)/m, 'package $1_test');
    writeFileSync(file, text);
    const uri = uriOf(file);
    const opened = lsp.nextDiagnostics(uri);
    await lsp.open(file, text);
    assert.deepEqual((await opened).diagnostics.map((d) => d.code), ['defer-in-loop']);

    let next = lsp.nextDiagnostics(uri);
    await lsp.changeSettings({ tests: 'off' });
    assert.deepEqual((await next).diagnostics, []);

    const other = ws.file('leaky.go');
    const otherOpened = lsp.nextDiagnostics(uriOf(other));
    await lsp.open(other, ws.read('leaky.go'));
    assert.deepEqual((await otherOpened).diagnostics.map((d) => d.code), ['defer-in-loop'], 'other files are still reported');

    next = lsp.nextDiagnostics(uri);
    await lsp.changeSettings({ tests: 'on' });
    assert.deepEqual((await next).diagnostics.map((d) => d.code), ['defer-in-loop']);
  });

  test('in onType mode every change is linted without a save, one lint at a time, the last version always', async () => {
    const { ws, lsp } = await startInFixture({ settings: { run: 'onType' } });
    const file = ws.file('ontype.go');
    const uri = uriOf(file);
    const text = ws.read('ontype.go');
    const opened = lsp.nextDiagnostics(uri);
    await lsp.open(file, text);
    assert.deepEqual((await opened).diagnostics, []);

    const at = positionOf(text, 'f.Close()');
    const pieces = ['d', 'e', 'f', 'e', 'r', ' '];
    const last = 1 + pieces.length;
    const published: number[] = [];
    const final = lsp.nextDiagnostics(uri, 10_000, (p) => {
      published.push(p.version ?? -1);
      return p.version === last;
    });
    for (const piece of pieces) {
      const col = at.character + (lsp.version(file)! - 1);
      await lsp.change(file, [{ range: { start: { line: at.line, character: col }, end: { line: at.line, character: col } }, text: piece }]);
    }
    const { diagnostics } = await final;
    assert.deepEqual(diagnostics.map((d) => d.code), ['defer-in-loop'], 'the last version is linted');
    assert.ok(published.length <= pieces.length, `${published.length} publishes for ${pieces.length} changes`);
    assert.deepEqual([...published].sort((a, b) => a - b), published, `versions published in order: ${published.join(', ')}`);
    await lsp.expectNoDiagnostics(uri, 600);
  });

  test('a watched-file change re-lints open documents of that package', async () => {
    const { ws, lsp } = await startInFixture();
    const file = ws.file('worker.go');
    const uri = uriOf(file);
    const text = ws.read('worker.go');
    const opened = lsp.nextDiagnostics(uri);
    await lsp.open(file, text);
    assert.deepEqual((await opened).diagnostics, [], 'Worker has no context yet');

    writeFileSync(
      ws.file('types.go'),
      'package serverfixture\n\nimport "context"\n\ntype Worker struct {\n\tctx  context.Context\n\tjobs chan int\n\tdone []int\n}\n',
    );
    // The workspace's indexing may publish once more before the change is seen: wait for the finding.
    const relinted = lsp.nextDiagnostics(uri, 10_000, (p) => p.diagnostics.length > 0);
    await lsp.filesChanged([{ uri: uriOf(ws.file('types.go')), type: FileChangeType.Changed }]);
    const { diagnostics } = await relinted;
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.start]),
      [['select-without-ctx-done', positionOf(text, 'select {')]],
    );
  });

  // status.go hands its response to body.Discard (body/body.go, another package of the module), which closes it.
  for (const run of ['onSave', 'onType'] as const) {
    test(`${run}: editing a helper in another package changes the finding of the file that calls it, and back`, async () => {
      const { ws, lsp } = await startInFixture({ settings: { run } });
      const status = ws.file('status.go');
      const statusUri = uriOf(status);
      const opened = lsp.nextDiagnostics(statusUri);
      await lsp.open(status, ws.read('status.go'));
      assert.deepEqual((await opened).diagnostics, [], 'the helper closes the body');

      const helper = ws.file(path.join('body', 'body.go'));
      const helperText = ws.read(path.join('body', 'body.go'));
      const helperOpened = lsp.nextDiagnostics(uriOf(helper));
      await lsp.open(helper, helperText);
      await helperOpened;
      const close = positionOf(helperText, 'resp.Body.Close()');
      const edit = async (range: { start: typeof close; end: typeof close }, text: string) => {
        await lsp.change(helper, [{ range, text }]);
        if (run === 'onSave') await lsp.save(helper);
      };

      // The close becomes a comment: the helper only drains now.
      const leaks = lsp.nextDiagnostics(statusUri, 10_000, (p) => p.diagnostics.length > 0);
      await edit({ start: close, end: close }, '// ');
      const { diagnostics } = await leaks;
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.range.start]),
        [['http-body-not-closed', positionOf(ws.read('status.go'), 'http.Get(url)')]],
      );

      const fixed = lsp.nextDiagnostics(statusUri, 10_000, (p) => p.diagnostics.length === 0);
      await edit({ start: close, end: { line: close.line, character: close.character + 3 } }, '');
      await fixed;
    });
  }

  test('a change on disk to a helper in another package re-lints the files of the packages importing it', async () => {
    const { ws, lsp } = await startInFixture();
    const status = ws.file('status.go');
    const opened = lsp.nextDiagnostics(uriOf(status));
    await lsp.open(status, ws.read('status.go'));
    assert.deepEqual((await opened).diagnostics, []);
    const helper = ws.file(path.join('body', 'body.go'));
    writeFileSync(helper, ws.read(path.join('body', 'body.go')).replace('resp.Body.Close()', '_ = resp.StatusCode'));
    const relinted = lsp.nextDiagnostics(uriOf(status), 10_000, (p) => p.diagnostics.length > 0);
    await lsp.filesChanged([{ uri: uriOf(helper), type: FileChangeType.Changed }]);
    assert.deepEqual((await relinted).diagnostics.map((d) => d.code), ['http-body-not-closed']);
  });

  test('an unparseable document gets an answer and the server keeps serving', async () => {
    const { ws, lsp } = await startInFixture();
    const file = ws.file('broken.go');
    const published = lsp.nextDiagnostics(uriOf(file));
    await lsp.open(file, 'package serverfixture\n\nfunc ( {\n\tfor { defer := := }\n\x00\u{1F600}"unterminated\n');
    await published;
    const actions = await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(file) },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
    const leaky = ws.file('leaky.go');
    const next = lsp.nextDiagnostics(uriOf(leaky));
    await lsp.open(leaky, ws.read('leaky.go'));
    assert.equal((await next).diagnostics.length, 1);
    assert.ok(lsp.isAlive());
  });
});

describe('workspace indexing', () => {
  test('every .go file of the workspace folder is indexed in the background', async () => {
    const { ws, lsp } = await startInFixture();
    const log = await lsp.logMessage((l) => /indexed \d+ Go files/.test(l.message));
    assert.equal(log.type, MessageType.Info);
    assert.match(log.message, new RegExp(`indexed ${walkGoFiles(ws.dir).length} Go files`));
  });

  test('requests are answered while a large workspace is still being indexed', { timeout: 60_000 }, async () => {
    const folder = goSrc('net');
    const lsp = await LspSession.start({ workspaceFolder: folder });
    cleanups.push(() => lsp.stop());
    const file = path.join(folder, 'http', 'client.go');
    const published = lsp.nextDiagnostics(uriOf(file));
    await lsp.open(file, readFileSync(file, 'utf8'));
    await published;
    assert.equal(
      lsp.logs.find((l) => /indexed \d+ Go files/.test(l.message)),
      undefined,
      'indexing finished before the first file was answered: it did not run in the background',
    );
    const done = await lsp.logMessage((l) => /indexed \d+ Go files/.test(l.message), 30_000);
    assert.match(done.message, new RegExp(`indexed ${walkGoFiles(folder).length} Go files`));
  });
});
