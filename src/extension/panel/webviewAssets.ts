/** The URIs a webview page loads from dist/ (html.ts WEBVIEW_BUNDLE), as this webview may fetch them. */
import * as vscode from 'vscode';
import { WEBVIEW_BUNDLE } from './html';

export function webviewAssets(webview: vscode.Webview, dist: vscode.Uri): { scriptUri: string; styleUri: string; preloadUris: string[] } {
  const uri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(dist, file)).toString();
  return { scriptUri: uri(WEBVIEW_BUNDLE.script), styleUri: uri(WEBVIEW_BUNDLE.style), preloadUris: WEBVIEW_BUNDLE.chunks.map(uri) };
}
