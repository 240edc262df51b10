/**
 * The Goroutines page: state histogram, filters (state, function or package text, "hide runtime-only"),
 * and the groups — the ones the Go runtime proved leaked first, then by count — with their wait range,
 * creator, labels, stack with "Open source" links, static findings on their frames (and, for a proven
 * leak, whether a rule explains it) and goroutine ids. Talks to its host only through the
 * channel (src/protocol/goroutinesPage.ts); every string from the dump is inserted as text.
 */
import { filterGroups, leakVerdict, type GroupFilter } from '../../src/goroutines/view';
import type { StackFrame } from '../../src/goroutines/model';
import type { FrameFinding, GoroutinesView, GroupView } from '../../src/protocol/goroutinesPage';
import type { GoroutinesRpc } from './index';
import { checkbox, dropdown, textField } from '../toolkit';
import { el, linkButton, plural, shortLocation, waitRange } from './dom';

import { PageApp } from './pageApp';

/** Groups drawn at once; the rest wait for a narrower filter (a dump can hold thousands). */
const MAX_SHOWN = 300;

export class GoroutinesApp extends PageApp<GoroutinesView> {
  private view: GoroutinesView | undefined;
  private readonly filter: GroupFilter = { state: '', text: '', hideStandard: false };
  private readonly header = el('header', 'g-header');
  private readonly histogram = el('div', 'histogram');
  private readonly stateField = dropdown('Only groups in this state');
  private readonly textFilter = textField('Function or package', { title: 'Only groups with a frame whose function, package or file contains this text' });
  private readonly hideStandard = checkbox('Hide runtime-only groups', 'Hide groups made only of runtime and standard-library frames');
  private readonly shown = el('span', 'share');
  private readonly list = el('div', 'groups');

  constructor(root: HTMLElement, rpc: GoroutinesRpc) {
    super({ ready: () => rpc.request('ready', {}), openSource: (params) => rpc.request('openSource', params) });
    root.replaceChildren();
    root.classList.add('goroutines-app');
    const toolbar = el('div', 'toolbar');
    toolbar.append(this.stateField, this.textFilter, this.hideStandard, this.shown);
    root.append(this.header, this.histogram, toolbar, this.message, this.list);
    this.stateField.addEventListener('change', () => {
      this.filter.state = this.stateField.value;
      this.renderGroups();
    });
    this.textFilter.addEventListener('input', () => {
      this.filter.text = this.textFilter.value;
      this.renderGroups();
    });
    this.hideStandard.addEventListener('change', () => {
      this.filter.hideStandard = this.hideStandard.checked;
      this.renderGroups();
    });
  }


  /** The view, first or with its findings. */
  override show(view: GoroutinesView): void {
    const first = this.view === undefined;
    this.view = view;
    const title = el('h1', undefined, view.title);
    const facts = el('div', 'facts');
    facts.append(el('span', 'total', plural(view.total, 'goroutine')), el('span', undefined, ` in ${plural(view.groups.length + view.groupsOmitted, 'group')} · ${view.source}`));
    const notes = el('div', 'notes');
    if (view.leaked > 0) notes.append(el('div', 'leaked-total', `${plural(view.leaked, 'goroutine')} proven leaked by the Go runtime: nothing can ever wake ${view.leaked === 1 ? 'it' : 'them'}.`));
    if (view.truncated) notes.append(el('div', 'warning', 'The dump was cut off: these are the goroutines it holds up to where it ends.'));
    if (view.groupsOmitted > 0) notes.append(el('div', 'warning', `${plural(view.groupsOmitted, 'smaller group')} not shown.`));
    notes.append(el('div', 'findings-status', view.findingsStatus));
    this.header.replaceChildren(title, facts, notes);
    this.renderHistogram(view);
    if (first) {
      this.stateField.setOptions([{ value: '', label: 'All states' }, ...view.states.map((s) => ({ value: s.state, label: `${s.state} (${s.count.toLocaleString('en-US')})` }))], '');
    }
    this.renderGroups();
  }

  private renderHistogram(view: GoroutinesView): void {
    const max = Math.max(1, ...view.states.map((s) => s.count));
    this.histogram.replaceChildren(
      ...view.states.map((s) => {
        const row = el('button', 'bar-row');
        row.type = 'button';
        row.title = `Show only ${s.state} goroutines`;
        row.dataset.state = s.state;
        const bar = el('span', 'bar');
        bar.style.width = `${Math.max(0.5, (100 * s.count) / max)}%`;
        const track = el('span', 'track');
        track.append(bar);
        row.append(el('span', 'state', s.state), track, el('span', 'count', s.count.toLocaleString('en-US')));
        row.addEventListener('click', () => {
          this.filter.state = this.filter.state === s.state ? '' : s.state;
          this.stateField.value = this.filter.state ?? '';
          this.renderGroups();
        });
        return row;
      }),
    );
  }

  private renderGroups(): void {
    const view = this.view;
    if (!view) return;
    for (const row of Array.from(this.histogram.querySelectorAll<HTMLElement>('.bar-row'))) row.classList.toggle('selected', row.dataset.state === this.filter.state);
    const groups = filterGroups(view.groups, this.filter);
    const count = groups.reduce((n, g) => n + g.count, 0);
    this.shown.textContent = `${plural(groups.length, 'group')}, ${plural(count, 'goroutine')}`;
    const shown = groups.slice(0, MAX_SHOWN).map((g, rank) => this.groupElement(g, rank, view));
    if (groups.length > MAX_SHOWN) shown.push(el('div', 'more', `${plural(groups.length - MAX_SHOWN, 'more group')}: narrow the filter to see them.`));
    if (groups.length === 0) shown.push(el('div', 'more', 'No group matches these filters.'));
    this.list.replaceChildren(...shown);
  }

  private groupElement(g: GroupView, rank: number, view: GoroutinesView): HTMLElement {
    const details = el('details', 'group');
    details.dataset.rank = String(rank);
    details.dataset.state = g.state;
    if (rank < 3) details.open = true;
    if (g.leaked > 0) details.dataset.leaked = String(g.leaked);
    const summary = el('summary');
    summary.append(el('span', 'g-count', g.count.toLocaleString('en-US')), el('span', 'g-state', g.state));
    if (g.leaked > 0) summary.append(el('span', 'badge leaked', g.leaked === g.count ? 'proven leaked by the Go runtime' : `${g.leaked.toLocaleString('en-US')} proven leaked by the Go runtime`));
    const wait = waitRange(g.minWaitMinutes, g.maxWaitMinutes);
    if (wait) summary.append(el('span', 'badge wait', `waiting ${wait}`));
    if (g.lockedToThread) summary.append(el('span', 'badge', 'locked to thread'));
    if (g.findings.length > 0) summary.append(el('span', 'badge finding', `⚠ ${plural(g.findings.length, 'finding')}`));
    const head = headline(g);
    if (head) summary.append(el('span', 'g-function', head));
    details.append(summary);

    const body = el('div', 'g-body');
    const verdict = leakVerdict(g, view.findingsChecked);
    if (verdict) body.append(el('div', 'leak-verdict', verdict));
    if (g.createdBy) {
      const created = el('div', 'created-by');
      created.append(el('span', 'key', 'created by '), el('span', 'fn', g.createdBy.function), el('span', undefined, ' at '));
      created.append(this.sourceLink(g.createdBy, view));
      if (g.createdBy.goroutine !== null) created.append(el('span', undefined, ` in goroutine ${g.createdBy.goroutine}`));
      const creator = g.createdBy.function;
      for (const finding of g.findings.filter((x) => x.frame === 'createdBy')) created.append(this.findingNote(finding, creator, view));
      body.append(created);
    }
    if (g.labels && Object.keys(g.labels).length > 0) {
      const labels = el('div', 'labels');
      labels.append(el('span', 'key', 'labels '));
      for (const [k, v] of Object.entries(g.labels)) labels.append(el('span', 'label', `${k}=${v}`));
      body.append(labels);
    }
    const stack = el('ol', 'stack');
    g.frames.forEach((f, index) => {
      const item = el('li', 'frame');
      item.append(el('span', 'fn', f.function), el('span', undefined, ' '), this.sourceLink(f, view));
      for (const finding of g.findings.filter((x) => x.frame === index)) item.append(this.findingNote(finding, f.function, view));
      stack.append(item);
    });
    body.append(stack);
    if (g.ids.length > 0) {
      const ids = el('details', 'ids');
      ids.append(el('summary', undefined, `${plural(g.ids.length + g.idsOmitted, 'goroutine id')}`));
      ids.append(el('div', 'id-list', g.ids.join(' ') + (g.idsOmitted > 0 ? ` … and ${g.idsOmitted.toLocaleString('en-US')} more` : '')));
      body.append(ids);
    }
    details.append(body);
    return details;
  }

  /** A static finding under the frame (or created-by line) it is on; `fn` is that frame's function. */
  private findingNote(finding: FrameFinding, fn: string, view: GoroutinesView): HTMLElement {
    const note = el('div', `frame-finding ${finding.severity}`);
    note.append(el('span', 'rule', `⚠ ${finding.rule}`), el('span', undefined, `: ${finding.message} `));
    if (view.canOpenSource) note.append(linkButton(shortLocation(finding.file, finding.line), 'Open the finding', () => void this.openSource(fn, finding.file, finding.line)));
    return note;
  }

  private sourceLink(frame: StackFrame, view: GoroutinesView): HTMLElement {
    const location = shortLocation(frame.file, frame.line);
    if (!view.canOpenSource || frame.file === '') return el('span', 'loc', location);
    const link = linkButton(location, `Open ${frame.file}:${frame.line}`, () => void this.openSource(frame.function, frame.file, frame.line));
    link.classList.add('loc');
    return link;
  }


}

/** The frame a reader looks for first: the innermost that is not runtime, else the innermost. */
function headline(g: GroupView): string | undefined {
  const frame = g.frames.find((f) => !f.function.startsWith('runtime.') && !f.function.startsWith('internal/')) ?? g.frames[0];
  return frame?.function;
}
