/**
 * "Open source" on a frame: map the build machine's path to this machine (module path from the
 * workspace's go.mod files → folder; GOROOT frames → local `go env GOROOT`) and open the editor at
 * the line. When a file cannot be mapped the user is told why, never left with nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { mapByPackage, mapSourcePath, type WorkspaceModule } from '../../pprof/pathMapping';
import { findFunctionLine, modulePathOf } from './goSource';

interface GoEnv {
  goroot?: string;
  gomodcache?: string;
}

let goEnv: Promise<GoEnv> | undefined;

/** `go env GOROOT GOMODCACHE`, once; empty when Go is not installed. */
function localGoEnv(): Promise<GoEnv> {
  goEnv ??= new Promise((resolve) => {
    execFile('go', ['env', 'GOROOT', 'GOMODCACHE'], { timeout: 10_000 }, (err, stdout) => {
      if (err) return resolve({});
      const [goroot, gomodcache] = stdout.split(/\r?\n/).map((s) => s.trim());
      const env: GoEnv = {};
      if (goroot) env.goroot = goroot;
      if (gomodcache) env.gomodcache = gomodcache;
      resolve(env);
    });
  });
  return goEnv;
}

export async function workspaceModules(): Promise<WorkspaceModule[]> {
  const files = await vscode.workspace.findFiles('**/go.mod', '{**/vendor/**,**/node_modules/**,**/testdata/**}', 500);
  const modules: WorkspaceModule[] = [];
  for (const uri of files) {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const modulePath = modulePathOf(text);
      if (modulePath) modules.push({ path: modulePath, dir: path.dirname(uri.fsPath) });
    } catch {
      // An unreadable go.mod maps nothing.
    }
  }
  return modules;
}

/**
 * The same mapping as "Open source", for many frames at once (the Goroutines view's findings): the
 * local file of a frame's file, or undefined when it has none here.
 */
export async function sourcePathMapper(): Promise<{ modules: WorkspaceModule[]; map: (frame: string | { function: string; file: string }) => string | undefined }> {
  const [modules, env] = await Promise.all([workspaceModules(), localGoEnv()]);
  const cache = new Map<string, string | undefined>();
  /** A file alone, or a frame: its function's package is the fallback when the file's folder is unknown here. */
  const map = (target: string | { function: string; file: string }): string | undefined => {
    const frame = typeof target === 'string' ? { function: '', file: target } : target;
    const key = `${frame.function}\u0000${frame.file}`;
    if (!cache.has(key)) {
      const mapped = mapSourcePath(frame.file, { modules, ...env, exists: existsSync });
      cache.set(key, typeof mapped === 'string' ? mapped : mapByPackage(frame.function, frame.file, { modules, exists: existsSync }));
    }
    return cache.get(key);
  };
  return { modules, map };
}

/** Opens the frame's file at its line; resolves to a note for the user when it cannot. */
export async function openFrameSource(fn: string, file: string, line: number): Promise<string | undefined> {
  const [modules, env] = await Promise.all([workspaceModules(), localGoEnv()]);
  const recorded = mapSourcePath(file, { modules, ...env, exists: existsSync });
  const mapped = typeof recorded === 'string' ? recorded : (mapByPackage(fn, file, { modules, exists: existsSync }) ?? recorded);
  if (typeof mapped !== 'string') {
    const note = `Can't map ${file === '' ? fn : file}: ${mapped.unmapped}`;
    void vscode.window.showWarningMessage(`Goroscope: ${note}`);
    return note;
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(mapped));
  const target = (line > 0 ? line : findFunctionLine(document.getText(), fn) ?? 1) - 1;
  const position = new vscode.Position(Math.min(target, Math.max(0, document.lineCount - 1)), 0);
  await vscode.window.showTextDocument(document, {
    viewColumn: vscode.ViewColumn.One,
    selection: new vscode.Range(position, position),
    preview: true,
  });
  return undefined;
}
