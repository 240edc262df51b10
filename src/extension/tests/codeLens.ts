/**
 * "Profile this test" / "Profile this benchmark" above each test, benchmark and literal subtest of a
 * `_test.go` file, and the last run's result beside it. The declarations come from the language
 * server (goroscope/testsOfFile): the editor never parses Go itself.
 */
import * as vscode from 'vscode';
import type { TestsOfFileResult } from '../../protocol/lsp';
import { isGoTestFile } from '../../tests/discover';
import { goTestName, type GoTestDeclaration } from '../../tests/model';
import type { ProfileTestArgs } from './profileTest';
import type { TestRuns } from './runs';

export const PROFILE_TEST_COMMAND = 'goroscope.profileTest';
export const OPEN_TEST_PROFILE_COMMAND = 'goroscope.tests.openProfile';

/** Asks the language server for a file's tests; rejects while it is not running. */
export type TestsOfFile = (uri: string, token: vscode.CancellationToken) => Promise<TestsOfFileResult | undefined>;

export class TestCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly testsOf: TestsOfFile,
    private readonly runs: TestRuns,
    private readonly log: (line: string) => void,
  ) {
    this.subscriptions = [runs.onDidChange(() => this.changeEmitter.fire())];
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (document.uri.scheme !== 'file' || !isGoTestFile(document.uri.fsPath)) return [];
    let answer: TestsOfFileResult | undefined;
    try {
      answer = await this.testsOf(document.uri.toString(), token);
    } catch (err) {
      if (!token.isCancellationRequested) this.log(`tests of ${document.uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
    if (!answer || token.isCancellationRequested) return [];
    return lensesFor(document, answer.tests, this.runs);
  }

  /** The language server (re)started: ask again. */
  refresh(): void {
    this.changeEmitter.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changeEmitter.dispose();
  }
}

export function lensesFor(document: vscode.TextDocument, tests: readonly GoTestDeclaration[], runs: TestRuns): vscode.CodeLens[] {
  const lenses: vscode.CodeLens[] = [];
  for (const t of tests) {
    if (t.line >= document.lineCount) continue;
    const range = new vscode.Range(t.line, t.character, t.line, t.character);
    const name = goTestName(t.path);
    const sub = t.path.length > 1;
    const what = t.kind === 'benchmark' ? (sub ? 'sub-benchmark' : 'benchmark') : sub ? 'subtest' : 'test';
    const args: ProfileTestArgs = { file: document.uri.fsPath, kind: t.kind, path: t.path };
    lenses.push(
      new vscode.CodeLens(range, {
        title: `Profile this ${what}`,
        tooltip: `Run ${name} with go test's CPU and memory profilers and open the flame graph`,
        command: PROFILE_TEST_COMMAND,
        arguments: [args],
      }),
    );
    const last = runs.latest(document.uri.fsPath, name);
    if (last) {
      lenses.push(
        new vscode.CodeLens(range, {
          title: last.summary,
          tooltip: last.details,
          // A run with profiles opens them (CPU, allocations, heap in use); one without shows plain text.
          command: last.cpu || last.mem ? OPEN_TEST_PROFILE_COMMAND : '',
          arguments: [{ runId: last.id }],
        }),
      );
    }
  }
  return lenses;
}
