/**
 * The toolkit's controls as the pages use them. Microsoft sunset @vscode/webview-ui-toolkit in 2025:
 * it is imported by one module only (toolkitElements.ts, which defines its custom elements), and only
 * these helpers create its elements, so replacing it touches these two files.
 */

let registered: Promise<void> | undefined;

/**
 * toolkitElements.ts is a chunk of its own in the panel's bundle (dist/webview.js is an ES module), fetched
 * with the bundle (the page's modulepreload) and run when a page first asks for its controls; report.html's
 * single inline bundle has it built in (scripts/build.mjs rewrites this line there).
 */
const loadElements = () => import('./toolkitElements');

/**
 * Defines the custom elements once (vscode-button, vscode-dropdown, …). The toolkit's code runs only
 * now, not when the bundle loads: a flame-graph page draws its graph first and registers after. Set a
 * control's properties only once this has resolved and the control is in the page (an element given
 * properties before its upgrade keeps them as plain fields).
 */
export function registerToolkit(): Promise<void> {
  registered ??= loadElements().then((toolkit) => toolkit.defineElements());
  return registered;
}

/** The value-bearing controls as the rest of the UI sees them. */
export interface ValueControl extends HTMLElement {
  value: string;
  disabled: boolean;
}

export interface CheckControl extends HTMLElement {
  checked: boolean;
  disabled: boolean;
}

export function button(label: string, options: { title?: string; appearance?: 'primary' | 'secondary' | 'icon' } = {}): HTMLElement & { disabled: boolean } {
  const el = document.createElement('vscode-button') as HTMLElement & { disabled: boolean };
  el.textContent = label;
  el.setAttribute('appearance', options.appearance ?? 'secondary');
  if (options.title !== undefined) el.title = options.title;
  return el;
}

export function textField(placeholder: string, options: { title?: string; size?: number } = {}): ValueControl {
  const el = document.createElement('vscode-text-field') as ValueControl;
  el.setAttribute('placeholder', placeholder);
  if (options.size !== undefined) el.setAttribute('size', String(options.size));
  if (options.title !== undefined) el.title = options.title;
  return el;
}

export function checkbox(label: string, title?: string): CheckControl {
  const el = document.createElement('vscode-checkbox') as CheckControl;
  el.textContent = label;
  if (title !== undefined) el.title = title;
  return el;
}

/** A dropdown whose options are set as text: option labels may come from a profile. */
export function dropdown(title: string): ValueControl & { setOptions(options: ReadonlyArray<{ value: string; label: string }>, selected: string): void } {
  const el = document.createElement('vscode-dropdown') as ValueControl & {
    setOptions(options: ReadonlyArray<{ value: string; label: string }>, selected: string): void;
  };
  el.title = title;
  el.setOptions = (options, selected) => {
    el.replaceChildren(
      ...options.map((o) => {
        const option = document.createElement('vscode-option') as HTMLElement & { value: string; selected: boolean };
        option.setAttribute('value', o.value);
        option.textContent = o.label;
        if (o.value === selected) option.setAttribute('selected', '');
        return option;
      }),
    );
    el.value = selected;
  };
  return el;
}

export interface GridColumn {
  key: string;
  title: string;
  /** CSS grid track size, e.g. "80px" or "1fr". */
  width: string;
}

/** A data grid built from elements (never from HTML strings); cells are filled with textContent. */
export function dataGrid(columns: readonly GridColumn[]): HTMLElement & {
  headerCells: HTMLElement[];
  setRows(rows: ReadonlyArray<{ cells: string[]; title?: string; onActivate?: () => void; onSelect?: () => void }>): void;
} {
  const grid = document.createElement('vscode-data-grid') as HTMLElement & {
    headerCells: HTMLElement[];
    setRows(rows: ReadonlyArray<{ cells: string[]; title?: string; onActivate?: () => void; onSelect?: () => void }>): void;
  };
  grid.setAttribute('grid-template-columns', columns.map((c) => c.width).join(' '));
  grid.setAttribute('aria-label', 'Top functions');
  const header = document.createElement('vscode-data-grid-row');
  header.setAttribute('row-type', 'sticky-header');
  grid.headerCells = columns.map((c, i) => {
    const cell = document.createElement('vscode-data-grid-cell');
    cell.setAttribute('cell-type', 'columnheader');
    cell.setAttribute('grid-column', String(i + 1));
    cell.dataset.key = c.key;
    cell.textContent = c.title;
    header.append(cell);
    return cell;
  });
  grid.append(header);
  grid.setRows = (rows) => {
    const elements = rows.map((r) => {
      const row = document.createElement('vscode-data-grid-row');
      if (r.title !== undefined) row.title = r.title;
      r.cells.forEach((text, i) => {
        const cell = document.createElement('vscode-data-grid-cell');
        cell.setAttribute('grid-column', String(i + 1));
        cell.textContent = text;
        row.append(cell);
      });
      if (r.onActivate) row.addEventListener('dblclick', r.onActivate);
      if (r.onSelect) row.addEventListener('click', r.onSelect);
      return row;
    });
    grid.replaceChildren(header, ...elements);
  };
  return grid;
}
