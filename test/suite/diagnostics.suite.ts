// Goroscope's squiggles as a user meets them, inside a real VS Code: findings of every rule on a Go
// file, their rule ids and docs links, //nolint, the disabledRules setting, and the quick fixes
// applied through VS Code's own code-action API and saved.
//
// main.go marks each expected finding with `// want "<rule-id>"` on its line; quickfix.go holds one
// fixable case per rule and is rewritten by the quick-fix tests.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { EXTENSION_ID, fixtureUri, waitFor } from './workspace';

const run = promisify(execFile);

const RULES = ['defer-in-loop', 'select-without-ctx-done', 'http-body-not-closed', 'goroutine-stuck-on-channel'] as const;
type Rule = (typeof RULES)[number];

/** Where each rule puts its warning: the statement, the keyword, the call, the go statement. */
const REPORTED_AT: Record<Rule, RegExp> = {
  'defer-in-loop': /^defer /,
  'select-without-ctx-done': /^select\b/,
  'http-body-not-closed': /^http\.Get\(/,
  'goroutine-stuck-on-channel': /^go func\(\)/,
};

suite('diagnostics', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('goroscope.lint').update('disabledRules', undefined, vscode.ConfigurationTarget.Workspace);
    // Leave the showcase file in front for the driver's screenshots.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fixtureUri('main.go')));
  });

  test('reports every rule where main.go wants it, from source goroscope, with a link to the rule', async () => {
    const doc = await open('main.go');
    const wanted = wantedFindings(doc);
    assert.deepEqual([...new Set(wanted.map((w) => w.rule))].sort(), [...RULES].sort(), 'main.go wants one case per rule');
    const diagnostics = await waitForGoroscope(doc.uri, 'a finding of every rule in main.go', (d) => RULES.every((r) => d.some((x) => ruleOf(x) === r)));

    assert.deepEqual(
      diagnostics.map((d) => `${d.range.start.line + 1}:${ruleOf(d)}`).sort(),
      wanted.map((w) => `${w.line + 1}:${w.rule}`).sort(),
      'exactly the wanted findings, on the wanted lines',
    );
    for (const d of diagnostics) {
      const rule = ruleOf(d) as Rule;
      assert.equal(d.source, 'goroscope');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning, `${rule} is a warning`);
      assert.match(doc.getText(d.range), REPORTED_AT[rule], `${rule} is reported on the right syntax`);
      assert.ok(typeof d.code === 'object' && d.code.target instanceof vscode.Uri, `${rule} carries a code with a target`);
      assert.match(d.code.target.toString(), new RegExp(`docs/rules/${rule}\\.md$`));
      assert.match(d.message, /^\S.*\.$/s, `${rule}: one sentence`);
    }
    // The fourth rule names the channel, the blocking send and the path that abandons it.
    const stuck = diagnostics.find((d) => ruleOf(d) === 'goroutine-stuck-on-channel');
    assert.match(stuck?.message ?? '', /^This goroutine sends on `price` \(unbuffered\) at line \d+, but `quoteOf` can return without receiving it \(the `case <-ctx\.Done\(\)` of the select returns at line \d+\)/);
  });

  test('//nolint:defer-in-loop silences its line, and only because of the comment', async () => {
    const doc = await open('main.go');
    await waitForGoroscope(doc.uri, 'main.go to be linted', (d) => d.length > 0);
    const line = lineContaining(doc, '//nolint:defer-in-loop');
    assert.equal(goroscopeDiagnostics(doc.uri).filter((d) => d.range.start.line === line).length, 0, 'nothing on the //nolint line');

    const original = doc.getText();
    const comment = doc.lineAt(line).text.indexOf(' //nolint');
    try {
      await editAndSave(doc, (edit) => edit.delete(doc.uri, new vscode.Range(line, comment, line, doc.lineAt(line).text.length)));
      await waitForGoroscope(doc.uri, 'defer-in-loop on the line once //nolint is removed', (d) =>
        d.some((x) => ruleOf(x) === 'defer-in-loop' && x.range.start.line === line),
      );
    } finally {
      await replaceAllAndSave(doc, original);
    }
    await waitForGoroscope(doc.uri, 'the line silenced again', (d) => !d.some((x) => x.range.start.line === line) && d.length > 0);
  });

  test('goroscope.lint.disabledRules removes that rule and leaves the others', async () => {
    const doc = await open('main.go');
    await waitForGoroscope(doc.uri, 'a finding of every rule in main.go', (d) => RULES.every((r) => d.some((x) => ruleOf(x) === r)));
    const lint = vscode.workspace.getConfiguration('goroscope.lint');
    try {
      await lint.update('disabledRules', ['defer-in-loop'], vscode.ConfigurationTarget.Workspace);
      const left = await waitForGoroscope(doc.uri, 'defer-in-loop to go away', (d) => !d.some((x) => ruleOf(x) === 'defer-in-loop') && d.length > 0);
      assert.deepEqual(left.map(ruleOf).sort(), ['goroutine-stuck-on-channel', 'http-body-not-closed', 'select-without-ctx-done']);
    } finally {
      await lint.update('disabledRules', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForGoroscope(doc.uri, 'defer-in-loop back after the setting is cleared', (d) => d.some((x) => ruleOf(x) === 'defer-in-loop'));
  });

  suite('quick fixes, applied and saved', () => {
    test('defer-in-loop: "Move the loop body into a function literal"', async () => {
      await applyQuickFix('defer-in-loop', 'Move the loop body into a function literal');
      assert.equal(
        functionText(await open('quickfix.go'), 'touchAll'),
        [
          'func touchAll(names []string) {',
          '\tfor _, name := range names {',
          '\t\tfunc() {',
          '\t\t\tf, _ := os.Create(name)',
          '\t\t\tdefer f.Close()',
          '\t\t\tfmt.Fprintln(f, name)',
          '\t\t}()',
          '\t}',
          '}',
        ].join('\n'),
      );
    });

    test('select-without-ctx-done: "Add `case <-ctx.Done()`"', async () => {
      await applyQuickFix('select-without-ctx-done', 'Add `case <-ctx.Done()`');
      assert.equal(
        functionText(await open('quickfix.go'), 'firstResult'),
        [
          'func firstResult(ctx context.Context, results <-chan string, errs <-chan error) (string, error) {',
          '\tselect {',
          '\tcase r := <-results:',
          '\t\treturn r, nil',
          '\tcase err := <-errs:',
          '\t\treturn "", err',
          '\tcase <-ctx.Done():',
          '\t\treturn "", ctx.Err()',
          '\t}',
          '}',
        ].join('\n'),
      );
    });

    test('goroutine-stuck-on-channel: "Give `price` 1 slot: make(chan float64, 1)"', async () => {
      await applyQuickFix('goroutine-stuck-on-channel', 'Give `price` 1 slot: make(chan float64, 1)');
      assert.equal(
        functionText(await open('quickfix.go'), 'latestPrice'),
        [
          'func latestPrice(ctx context.Context, symbol string) (float64, error) {',
          '\tprice := make(chan float64, 1)',
          '\tgo func() {',
          '\t\tprice <- float64(len(symbol))',
          '\t}()',
          '\tselect {',
          '\tcase p := <-price:',
          '\t\treturn p, nil',
          '\tcase <-ctx.Done():',
          '\t\treturn 0, ctx.Err()',
          '\t}',
          '}',
        ].join('\n'),
      );
    });

    test('http-body-not-closed: "Close the response body"', async () => {
      await applyQuickFix('http-body-not-closed', 'Close the response body');
      assert.equal(
        functionText(await open('quickfix.go'), 'contentLength'),
        [
          'func contentLength(url string) (int64, error) {',
          '\tresp, err := http.Get(url)',
          '\tif err != nil {',
          '\t\treturn 0, err',
          '\t}',
          '\tdefer resp.Body.Close()',
          '\treturn resp.ContentLength, nil',
          '}',
        ].join('\n'),
      );
    });
  });
});

/**
 * Finds the rule's finding in quickfix.go, asks VS Code for the code actions at it (as the light
 * bulb does), applies the one titled `title`, saves, and waits until the finding is gone.
 */
async function applyQuickFix(rule: Rule, title: string): Promise<void> {
  const doc = await open('quickfix.go');
  const [diagnostic] = (await waitForGoroscope(doc.uri, `${rule} in quickfix.go`, (d) => d.some((x) => ruleOf(x) === rule))).filter(
    (x) => ruleOf(x) === rule,
  );
  assert.ok(diagnostic);
  const actions =
    (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
      10,
    )) ?? [];
  const titles = actions.map((a) => a.title);
  const action = actions.find((a): a is vscode.CodeAction => a.title === title && 'kind' in a);
  assert.ok(action, `no quick fix "${title}" among: ${titles.join(' | ') || '(none)'}`);
  assert.ok(action.kind && vscode.CodeActionKind.QuickFix.contains(action.kind), 'offered as a quick fix');
  assert.ok(action.edit, 'the quick fix carries its edit');
  assert.equal(await vscode.workspace.applyEdit(action.edit), true, 'VS Code applied the edit');
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  assert.equal(await doc.save(), true, 'saved');
  await waitForGoroscope(doc.uri, `${rule} to go away after the fix is saved`, (d) => !d.some((x) => ruleOf(x) === rule));
  await assertGoAccepts(doc);
}

/** The fixed file is formatted as gofmt would, and its package still compiles and passes go vet. */
async function assertGoAccepts(doc: vscode.TextDocument): Promise<void> {
  const dir = vscode.Uri.joinPath(doc.uri, '..').fsPath;
  const file = doc.uri.fsPath;
  const { stdout } = await run('gofmt', ['-l', file], { cwd: dir });
  assert.equal(stdout.trim(), '', `gofmt would reformat ${doc.fileName} after the fix`);
  try {
    await run('go', ['vet', '.'], { cwd: dir, env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'go1.27.3' } });
  } catch (err) {
    assert.fail(`go vet rejects the fixed package: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
}

async function open(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

function goroscopeDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'goroscope');
}

/** Waits (bounded) until the file's goroscope diagnostics satisfy `done`, and returns them. */
async function waitForGoroscope(uri: vscode.Uri, what: string, done: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  try {
    return await waitFor(what, () => {
      const diagnostics = goroscopeDiagnostics(uri);
      return done(diagnostics) ? diagnostics : undefined;
    });
  } catch (err) {
    const seen = goroscopeDiagnostics(uri).map((d) => `${d.range.start.line + 1}:${ruleOf(d)}`);
    throw new Error(`${(err as Error).message}; goroscope diagnostics now: ${seen.join(', ') || 'none'}`);
  }
}

function ruleOf(d: vscode.Diagnostic): string | undefined {
  const code = d.code;
  if (typeof code === 'object') return String(code.value);
  return code === undefined ? undefined : String(code);
}

function wantedFindings(doc: vscode.TextDocument): { line: number; rule: string }[] {
  const wanted: { line: number; rule: string }[] = [];
  for (let line = 0; line < doc.lineCount; line++) {
    const m = /\/\/ want "([\w-]+)"/.exec(doc.lineAt(line).text);
    if (m?.[1]) wanted.push({ line, rule: m[1] });
  }
  return wanted;
}

function lineContaining(doc: vscode.TextDocument, needle: string): number {
  for (let line = 0; line < doc.lineCount; line++) if (doc.lineAt(line).text.includes(needle)) return line;
  throw new Error(`${doc.uri.fsPath} has no line containing ${needle}`);
}

/** The source of `func name(…) { … }`, up to its closing brace in column 0. */
function functionText(doc: vscode.TextDocument, name: string): string {
  const lines = doc.getText().split('\n');
  const start = lines.findIndex((l) => l.startsWith(`func ${name}(`));
  assert.ok(start >= 0, `func ${name} not found`);
  const end = lines.findIndex((l, i) => i > start && l === '}');
  return lines.slice(start, end + 1).join('\n');
}

async function editAndSave(doc: vscode.TextDocument, build: (edit: vscode.WorkspaceEdit) => void): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  build(edit);
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  assert.equal(await doc.save(), true);
}

async function replaceAllAndSave(doc: vscode.TextDocument, text: string): Promise<void> {
  if (doc.getText() === text && !doc.isDirty) return;
  const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  await editAndSave(doc, (edit) => edit.replace(doc.uri, all, text));
}
