/**
 * The leak-watch page: progress with Stop (Continue once a stored watch is not running), the time
 * series (goroutines, heap in use, stack in use, GC count), the suspects ranked with their evidence and
 * a trend chart each, and what happened to the service along the way. Charts are inline SVG built with
 * DOM APIs; every string from the service is text.
 */
import type { Suspect } from '../../src/leaks/suspects';
import { formatValue } from '../../src/pprof/units';
import type { WatchView } from '../../src/protocol/watchPage';
import type { WatchRpc } from './index';
import { button } from '../toolkit';
import { lineChart } from './chart';
import { el, linkButton, shortLocation } from './dom';
import { PageApp } from './pageApp';

export class WatchApp extends PageApp<WatchView> {
  private readonly header = el('header', 'g-header');
  private readonly stopButton = button('Stop watching', { title: 'Stop taking snapshots; the ones taken stay' });
  private readonly continueButton = button('Continue watching', { title: 'Take more snapshots into this stored watch', appearance: 'primary' });
  private readonly series = el('section', 'series');
  private readonly suspects = el('section', 'suspects');
  private readonly snapshots = el('section', 'snapshots');

  constructor(
    root: HTMLElement,
    private readonly rpc: WatchRpc,
  ) {
    super({ ready: () => rpc.request('ready', {}), openSource: (params) => rpc.request('openSource', params) });
    root.replaceChildren();
    root.classList.add('goroutines-app', 'watch-app');
    const toolbar = el('div', 'toolbar');
    toolbar.append(this.stopButton, this.continueButton);
    this.continueButton.hidden = true;
    root.append(this.header, toolbar, this.message, this.series, this.suspects, this.snapshots);
    this.stopButton.addEventListener('click', () => void this.stop());
    this.continueButton.addEventListener('click', () => void this.continueWatch());
  }

  private async stop(): Promise<void> {
    this.stopButton.disabled = true;
    try {
      const done = await this.rpc.request('stop', {});
      if (done.note) this.showMessage(done.note, 'info');
    } catch (err) {
      this.showError(err);
    }
  }

  /** The host opens the running watch in a new page and closes this one; a refusal or a cancel comes back. */
  private async continueWatch(): Promise<void> {
    this.continueButton.disabled = true;
    try {
      const done = await this.rpc.request('continue', {}, { timeoutMs: 120_000 });
      this.continueButton.disabled = false;
      if (done.note) this.showMessage(done.note, 'info');
    } catch (err) {
      this.continueButton.disabled = false;
      this.showError(err);
    }
  }

  override show(watch: WatchView): void {
    const status = watch.running ? `watching · snapshot every ${watch.intervalSeconds} s` : 'stopped';
    const notes = el('ul', 'notes');
    for (const note of watch.notes) notes.append(el('li', undefined, note));
    this.header.replaceChildren(el('h1', undefined, watch.title), el('div', 'facts', `${watch.snapshots.length} snapshot${watch.snapshots.length === 1 ? '' : 's'} · ${status}`), notes);
    this.stopButton.hidden = !watch.running;
    this.continueButton.hidden = watch.running || !watch.canContinue;

    const s = watch.series;
    const chart = (title: string, values: ReadonlyArray<number | null>, unit: string) => {
      const last = [...values].reverse().find((v): v is number => v !== null);
      const box = el('div', 'series-chart');
      box.append(el('div', 'series-title', `${title}: ${last === undefined ? '—' : formatValue(last, unit)}`), lineChart(values, { width: 220, height: 48, label: `${title} over ${values.length} snapshots` }));
      return box;
    };
    this.series.replaceChildren(
      el('h2', undefined, 'Over time'),
      chart('Goroutines', s.goroutines, 'count'),
      chart('Heap in use', s.heapInuse, 'bytes'),
      chart('Stack in use', s.stackInuse, 'bytes'),
      chart('GC count', s.numGC, 'count'),
    );

    const list = el('ol', 'suspect-list');
    watch.suspects.forEach((suspect, rank) => list.append(this.suspectElement(suspect, rank)));
    this.suspects.replaceChildren(
      el('h2', undefined, 'Leak suspects'),
      watch.suspects.length > 0 ? list : el('div', 'more', watch.snapshots.length < 3 ? 'Suspects need three snapshots or more.' : 'Nothing keeps growing.'),
    );

    const rows = el('ol', 'snapshot-list');
    watch.snapshots.forEach((snap, i) => {
      const item = el('li', snap.problems.length > 0 ? 'with-problems' : undefined, `${new Date(snap.takenAt).toLocaleTimeString()} · ${snap.goroutines === null ? 'no goroutines' : `${snap.goroutines.toLocaleString('en-US')} goroutines`}`);
      if (watch.restarts.includes(i + 1)) item.append(el('span', 'badge', 'service restarted before this one'));
      for (const p of snap.problems) item.append(el('div', 'problem', p));
      rows.append(item);
    });
    this.snapshots.replaceChildren(el('h2', undefined, 'Snapshots'), rows);
  }

  private suspectElement(suspect: Suspect, rank: number): HTMLElement {
    const item = el('li', `suspect ${suspect.kind}`);
    item.dataset.rank = String(rank);
    const head = el('div', 'suspect-head');
    head.append(el('span', 'badge', suspect.kind === 'heap' ? 'heap' : 'goroutines'));
    if (suspect.confirmedByRuntime > 0) head.append(el('span', 'badge confirmed', `${suspect.confirmedByRuntime.toLocaleString('en-US')} proven leaked by the Go runtime`));
    head.append(el('span', 'fn', suspect.function));
    if (suspect.file) head.append(el('span', undefined, ' '), linkButton(shortLocation(suspect.file, suspect.line), `Open ${suspect.file}:${suspect.line}`, () => void this.openSource(suspect.function, suspect.file, suspect.line)));
    const growth = suspect.unit === 'bytes' ? formatValue(suspect.growth, 'bytes') : `${suspect.growth.toLocaleString('en-US')} goroutines`;
    head.append(el('span', 'growth', `+${growth}${suspect.state ? ` · ${suspect.state}` : ''} · score ${suspect.score.toFixed(1)}`));
    const trend = lineChart(suspect.trend, { width: 120, height: 28, label: `${suspect.function}: ${suspect.trend.join(', ')}`, className: 'trend' });
    const evidence = el('ul', 'evidence');
    for (const e of suspect.evidence) evidence.append(el('li', undefined, e));
    const body = el('div', 'suspect-body');
    body.append(trend, evidence);
    item.append(head, body);
    return item;
  }
}
