/**
 * The settings a profiling go test run follows, for one test file: the Go extension's (`go.*`, when
 * set — vscode-go need not be installed) and ours (`goroscope.tests.memProfileRate`,
 * `goroscope.tests.contentionProfiles`), resolved for the file's workspace folder.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import * as vscode from 'vscode';
import type { GoTestSettings } from '../../tests/command';
import { readGoTestSettings, type GoSection } from '../../tests/goSettings';

const GO_KEYS = ['testFlags', 'buildFlags', 'testTags', 'buildTags', 'testTimeout', 'toolsEnvVars', 'testEnvVars', 'testEnvFile', 'goroot', 'gopath', 'alternateTools'] as const;

export function goTestSettingsFor(file: string): { settings: GoTestSettings; warnings: string[] } {
  const uri = vscode.Uri.file(file);
  const go = vscode.workspace.getConfiguration('go', uri);
  const section: GoSection = {};
  for (const key of GO_KEYS) section[key] = go.get<unknown>(key);
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  const ours = vscode.workspace.getConfiguration('goroscope.tests', uri);
  const read = readGoTestSettings(section, ours.get<unknown>('memProfileRate'), {
    ...(folder !== undefined ? { workspaceFolder: folder } : {}),
    env: process.env,
    home: os.homedir(),
    readFile: (f) => readFileSync(f, 'utf8'),
  });
  if (ours.get<unknown>('contentionProfiles') === true) read.settings.contentionProfiles = true;
  return read;
}
