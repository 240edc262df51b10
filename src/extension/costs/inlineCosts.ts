/**
 * Costs inline: after a capture, each line of the workspace's open Go editors that the profile saw gets
 * its flat and cum at the end of the line (hot lines in their own themable colour), with a hover that
 * names the profile, the functions at the line and their share. Per-line numbers are computed in the
 * pprof worker (lineCosts.ts); recorded paths are mapped to local files as "Open source" maps them.
 */
import * as vscode from 'vscode';
import type { ProfileWorker } from '../../pprof/decodeInWorker';
import type { LineCost } from '../../pprof/lineCosts';
import type { SampleType } from '../../pprof/model';
import { formatPercent, formatValue } from '../../pprof/units';
import { sourcePathMapper } from '../panel/openSource';

/** Lines whose cum reaches this share of the total are drawn in the hot colour. */
const HOT_SHARE = 0.1;

interface Costs {
  title: string;
  sampleType: SampleType;
  total: number;
  /** Local file path → its lines. */
  files: Map<string, LineCost[]>;
  /** Recorded paths with costs that map to no local file. */
  unmapped: number;
}

/** What tests read: whether costs show, from which profile, and the lines per local file. */
export interface InlineCostsState {
  enabled: boolean;
  title?: string;
  sampleType?: string;
  files: Record<string, Array<{ line: number; flat: number; cum: number; text: string }>>;
}

export class InlineCosts implements vscode.Disposable {
  private enabled = true;
  private costs: Costs | undefined;
  private generation = 0;
  private readonly normal = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('goroscope.inlineCost.foreground'), margin: '0 0 0 3em', fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly hot = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('goroscope.inlineCost.hotForeground'), margin: '0 0 0 3em', fontStyle: 'italic' },
    overviewRulerColor: new vscode.ThemeColor('goroscope.inlineCost.hotForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly worker: ProfileWorker,
    private readonly log: (line: string) => void,
  ) {
    this.disposables.push(
      this.normal,
      this.hot,
      vscode.window.onDidChangeVisibleTextEditors(() => this.render()),
      // Line numbers of an edited file no longer match the profile's: redraw from the recorded numbers.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.costs?.files.has(e.document.uri.fsPath)) this.render();
      }),
    );
  }

  /**
   * Reads a profile's per-line costs (in the worker) and shows them. Resolves to the lines shown. The
   * newest call wins, counted from when it was made (not from when its bytes arrived).
   */
  async show(profile: { key: string; bytes: () => Uint8Array | Promise<Uint8Array> }, title: string, sampleType?: string): Promise<number> {
    const generation = ++this.generation;
    // Shared by key: the panel that opens the same capture reads it from the same decode.
    const opened = await this.worker.acquire(profile.key, profile.bytes);
    let result;
    try {
      result = await this.worker.lineCosts({ profileId: opened.summary.profileId, ...(sampleType ? { sampleIndex: sampleType } : {}) });
    } finally {
      opened.release();
    }
    const mapper = await sourcePathMapper();
    // Only the newest capture's costs are shown; an older one finishing late is dropped.
    if (generation !== this.generation) return 0;
    const files = new Map<string, LineCost[]>();
    let unmapped = 0;
    let lines = 0;
    for (const f of result.files) {
      const local = mapper.map(f.file);
      if (!local || !isInWorkspace(local)) {
        unmapped++;
        continue;
      }
      const existing = files.get(local);
      files.set(local, existing ? [...existing, ...f.lines] : f.lines);
      lines += f.lines.length;
    }
    this.costs = { title, sampleType: result.sampleType, total: result.total, files, unmapped };
    this.log(`inline costs: ${title} (${result.sampleType.type}): ${lines} lines in ${files.size} workspace files; ${unmapped} files outside the workspace`);
    this.render();
    return lines;
  }

  toggle(): boolean {
    this.enabled = !this.enabled;
    this.render();
    return this.enabled;
  }

  clear(): void {
    this.generation++;
    this.costs = undefined;
    this.render();
  }

  state(): InlineCostsState {
    const state: InlineCostsState = { enabled: this.enabled, files: {} };
    if (!this.costs) return state;
    state.title = this.costs.title;
    state.sampleType = this.costs.sampleType.type;
    for (const [file, lines] of this.costs.files) {
      state.files[file] = lines.map((l) => ({ line: l.line, flat: l.flat, cum: l.cum, text: this.label(l) }));
    }
    return state;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private render(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const lines = this.enabled && editor.document.languageId === 'go' ? this.costs?.files.get(editor.document.uri.fsPath) : undefined;
      const normal: vscode.DecorationOptions[] = [];
      const hot: vscode.DecorationOptions[] = [];
      for (const l of lines ?? []) {
        if (l.line > editor.document.lineCount) continue;
        const end = editor.document.lineAt(l.line - 1).range.end;
        const option: vscode.DecorationOptions = {
          range: new vscode.Range(end, end),
          hoverMessage: this.hover(l),
          renderOptions: { after: { contentText: this.label(l) } },
        };
        (this.isHot(l) ? hot : normal).push(option);
      }
      editor.setDecorations(this.normal, normal);
      editor.setDecorations(this.hot, hot);
    }
  }

  private isHot(l: LineCost): boolean {
    const total = this.costs?.total ?? 0;
    return total > 0 && Math.abs(l.cum) / total >= HOT_SHARE;
  }

  private label(l: LineCost): string {
    const costs = this.costs as Costs;
    const unit = costs.sampleType.unit;
    const flat = l.flat === 0 ? '' : `${formatValue(l.flat, unit)} flat · `;
    return `${flat}${formatValue(l.cum, unit)} cum (${formatPercent(l.cum, costs.total)})`;
  }

  private hover(l: LineCost): vscode.MarkdownString {
    const costs = this.costs as Costs;
    const unit = costs.sampleType.unit;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    md.appendMarkdown(`**Goroscope** · ${escapeMarkdown(costs.title)} · \`${costs.sampleType.type}\`\n\n`);
    md.appendMarkdown(`| | value | share |\n|---|---:|---:|\n`);
    md.appendMarkdown(`| flat (this line is the leaf) | ${formatValue(l.flat, unit)} | ${formatPercent(l.flat, costs.total)} |\n`);
    md.appendMarkdown(`| cum (this line is on the stack) | ${formatValue(l.cum, unit)} | ${formatPercent(l.cum, costs.total)} |\n\n`);
    md.appendMarkdown(`Total ${formatValue(costs.total, unit)}. Functions at this line: ${l.functions.map((f) => `\`${f.replace(/`/g, '')}\``).join(', ')}`);
    return md;
  }
}

function isInWorkspace(file: string): boolean {
  return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)) !== undefined;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
