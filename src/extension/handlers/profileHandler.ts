/**
 * `goroscope.profileHandler`, run by the "Profile this handler" lens. Capturing a profile while sending
 * requests to the route, then opening the flame graph focused on the handler, comes later; for now the
 * command says what it can honestly say: attach first, or capture a CPU profile and look for the symbol.
 */
import * as vscode from 'vscode';
import type { Framework } from '../../handlers/model';

/** Contributed by the services feature (package.json). */
export const ATTACH_COMMAND = 'goroscope.services.attach';
const CAPTURE_CPU_COMMAND = 'goroscope.services.captureCpu';

/** What the lens passes: where the handler is, what Go calls it in profiles, and its route. */
export interface ProfileHandlerArgs {
  file: string;
  /** 1-based line of the `func` keyword. */
  line: number;
  function: string;
  route: string | null;
  method: string | null;
  framework: Framework;
  /** The pprof function name, package path included, to focus a flame graph on. */
  symbol: string;
}

export interface ProfileHandlerDeps {
  /** Whether a Go service is attached (the services feature knows). */
  isAttached(): boolean;
}

/** What the command did, for tests and for the lead's later wiring. */
export type ProfileHandlerOutcome = 'invalid-argument' | 'attach-offered' | 'attach-started' | 'capture-suggested' | 'capture-started';

export function isProfileHandlerArgs(value: unknown): value is ProfileHandlerArgs {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  const nullableString = (v: unknown) => v === null || typeof v === 'string';
  return (
    typeof a.file === 'string' &&
    typeof a.line === 'number' &&
    Number.isInteger(a.line) &&
    a.line >= 1 &&
    typeof a.function === 'string' &&
    nullableString(a.route) &&
    nullableString(a.method) &&
    typeof a.framework === 'string' &&
    typeof a.symbol === 'string'
  );
}

export async function profileHandlerCommand(deps: ProfileHandlerDeps, arg: unknown): Promise<ProfileHandlerOutcome> {
  if (!isProfileHandlerArgs(arg)) {
    void vscode.window.showWarningMessage('Profile this handler works from the "Profile this handler" lens above an HTTP handler in a Go file.');
    return 'invalid-argument';
  }
  const where = arg.route === null ? arg.function : `${arg.function} (${arg.method ?? 'any method'} ${arg.route})`;
  if (!deps.isAttached()) {
    const attach = 'Attach to Go Service';
    const choice = await vscode.window.showInformationMessage(
      `No Go service is attached. Attach to the service that runs ${where} to profile it.`,
      attach,
    );
    if (choice !== attach) return 'attach-offered';
    await vscode.commands.executeCommand(ATTACH_COMMAND);
    return 'attach-started';
  }
  const capture = 'Capture CPU Profile';
  const choice = await vscode.window.showInformationMessage(
    `Profiling one handler under load is not available yet. Capture a CPU profile of the attached service while ${where} is busy, then look for ${arg.symbol} in the flame graph.`,
    capture,
  );
  if (choice !== capture) return 'capture-suggested';
  await vscode.commands.executeCommand(CAPTURE_CPU_COMMAND);
  return 'capture-started';
}
