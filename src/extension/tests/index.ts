/**
 * "Profile this test" in the editor: the lenses over `_test.go` files (fed by the language server),
 * goroscope.profileTest that they run, goroscope.profileTestAtCursor for the keyboard,
 * goroscope.tests.openProfile behind a run's result, and the "Goroscope Tests" output channel.
 */
import * as vscode from 'vscode';
import type { ProfileWorker } from '../../pprof/decodeInWorker';
import { testsOfFileRequest } from '../../protocol/lsp';
import { goTestName, testAtLine } from '../../tests/model';
import type { InlineCosts } from '../costs/inlineCosts';
import type { ExtensionContext } from '../ctx';
import { OPEN_TEST_PROFILE_COMMAND, PROFILE_TEST_COMMAND, TestCodeLensProvider, type TestsOfFile } from './codeLens';
import { profileTestCommand, stopActiveRun, type ProfileTestArgs, type ProfileTestDeps } from './profileTest';
import { TestRuns } from './runs';
import { pickTestProfile } from './testProfiles';

export const PROFILE_TEST_AT_CURSOR_COMMAND = 'goroscope.profileTestAtCursor';

export function registerTestLenses(ctx: ExtensionContext, output: vscode.OutputChannel, deps: { worker(): ProfileWorker; costs: InlineCosts }): TestCodeLensProvider {
  const context = ctx.vscodeContext;
  const log = (line: string) => output.appendLine(`[tests] ${line}`);
  const testsOf: TestsOfFile = (uri) => ctx.server.request(testsOfFileRequest, { textDocument: { uri } });
  const runs = new TestRuns();
  const provider = new TestCodeLensProvider(testsOf, runs, log);
  const testOutput = vscode.window.createOutputChannel('Goroscope Tests');
  const commandDeps: ProfileTestDeps = { context, runs, worker: deps.worker, costs: deps.costs, output: testOutput, log };
  context.subscriptions.push(
    runs,
    provider,
    testOutput,
    { dispose: stopActiveRun },
    // Fired when the server starts (lenses asked for before were answered with nothing) and when Go
    // files change on disk: test lenses are asked again then too.
    ctx.onDidChangeHandlers(() => provider.refresh()),
    vscode.languages.registerCodeLensProvider({ language: 'go', scheme: 'file', pattern: '**/*_test.go' }, provider),
    vscode.commands.registerCommand(PROFILE_TEST_COMMAND, (arg: unknown) => profileTestCommand(commandDeps, arg)),
    vscode.commands.registerCommand(OPEN_TEST_PROFILE_COMMAND, (arg: unknown) => pickTestProfile(context, runs, arg)),
    vscode.commands.registerCommand(PROFILE_TEST_AT_CURSOR_COMMAND, () => profileTestAtCursor(commandDeps, testsOf)),
  );
  return provider;
}

/** The innermost test, benchmark or literal subtest around the cursor of the active Go editor. */
async function profileTestAtCursor(deps: ProfileTestDeps, testsOf: TestsOfFile): Promise<unknown> {
  const editor = vscode.window.activeTextEditor;
  const document = editor?.document;
  if (!editor || !document || document.languageId !== 'go' || !document.fileName.endsWith('_test.go')) {
    void vscode.window.showWarningMessage('Goroscope: put the cursor in a test or benchmark of a _test.go file to profile it.');
    return 'invalid-argument';
  }
  const source = new vscode.CancellationTokenSource();
  try {
    const answer = await testsOf(document.uri.toString(), source.token).catch(() => undefined);
    const test = answer ? testAtLine(answer.tests, editor.selection.active.line) : undefined;
    if (!test) {
      void vscode.window.showWarningMessage(
        answer ? 'Goroscope: the cursor is not in a test or benchmark function.' : 'Goroscope: the language server is not running; see "Goroscope: Show Leak Analyzer Output".',
      );
      return 'invalid-argument';
    }
    const args: ProfileTestArgs = { file: document.uri.fsPath, kind: test.kind, path: test.path };
    deps.log(`profiling ${goTestName(test.path)} at the cursor`);
    return profileTestCommand(deps, args);
  } finally {
    source.dispose();
  }
}
