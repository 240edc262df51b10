/**
 * The heap capture's question: which numbers to look at (in use or allocated × bytes or objects), and
 * whether to run a garbage collection first (`gc=1`, so the profile shows live memory only). The last
 * answers are remembered and offered first.
 */
import * as vscode from 'vscode';

export interface HeapView {
  sampleIndex: 'inuse_space' | 'inuse_objects' | 'alloc_space' | 'alloc_objects';
  gc: boolean;
}

const LAST_VIEW_KEY = 'goroscope.heapCapture';

const VIEWS: Array<{ sampleIndex: HeapView['sampleIndex']; label: string; detail: string }> = [
  { sampleIndex: 'inuse_space', label: 'In use · bytes', detail: 'Memory held now: what a leak grows (inuse_space)' },
  { sampleIndex: 'inuse_objects', label: 'In use · objects', detail: 'Objects held now (inuse_objects)' },
  { sampleIndex: 'alloc_space', label: 'Allocated · bytes', detail: 'Bytes allocated since the program started: GC pressure (alloc_space)' },
  { sampleIndex: 'alloc_objects', label: 'Allocated · objects', detail: 'Objects allocated since the program started (alloc_objects)' },
];

interface Item extends vscode.QuickPickItem {
  sampleIndex?: HeapView['sampleIndex'];
  toggleGc?: true;
}

/** Asks; undefined when the user dismissed the pick. `gcAllowed` is false for a delta capture (Go ignores gc there). */
export function pickHeapView(state: vscode.Memento, kind: string, gcAllowed: boolean): Promise<HeapView | undefined> {
  const last = state.get<Partial<HeapView>>(LAST_VIEW_KEY) ?? {};
  // allocs is the heap profile shown as allocations: default to what its name says.
  const preferred = kind === 'allocs' ? 'alloc_space' : (last.sampleIndex ?? 'inuse_space');
  let gc = gcAllowed && kind === 'heap' && (last.gc ?? true);
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = `Goroscope: ${kind} profile`;
  pick.placeholder = 'Which numbers should the flame graph show first? (All four stay in the profile.)';
  const render = (): void => {
    const items: Item[] = VIEWS.map((v) => ({ label: v.label, detail: v.detail, sampleIndex: v.sampleIndex }));
    if (gcAllowed && kind === 'heap') {
      items.push({ label: 'Options', kind: vscode.QuickPickItemKind.Separator });
      items.push({
        label: `${gc ? '$(pass-filled)' : '$(circle-large-outline)'} Run a garbage collection first`,
        detail: gc ? 'On: the profile reflects live memory only (gc=1). Select to turn off.' : 'Off: the profile reflects the last GC the runtime ran. Select to turn on.',
        toggleGc: true,
        alwaysShow: true,
      });
    }
    const active = pick.activeItems[0];
    pick.items = items;
    const keep = active?.toggleGc ? items.find((i) => i.toggleGc) : items.find((i) => i.sampleIndex === preferred);
    if (keep) pick.activeItems = [keep];
  };
  render();
  return new Promise<HeapView | undefined>((resolve) => {
    let settled = false;
    pick.onDidAccept(() => {
      const item = pick.activeItems[0];
      if (!item) return;
      if (item.toggleGc) {
        gc = !gc;
        render();
        return;
      }
      if (!item.sampleIndex) return;
      settled = true;
      const view: HeapView = { sampleIndex: item.sampleIndex, gc };
      void state.update(LAST_VIEW_KEY, view);
      resolve(view);
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      if (!settled) resolve(undefined);
    });
    pick.show();
  });
}
