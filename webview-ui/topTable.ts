/** The top table beside the graph: functions by flat or cumulative value, sortable by either. */
import type { TopRow } from '../src/pprof/model';
import { shortName } from './flame';
import { dataGrid } from './toolkit';

export type TopSortKey = 'flat' | 'cum';

export interface TopTableOptions {
  format(value: number): string;
  percent(value: number): string;
  onSelect(row: TopRow): void;
  onOpen(row: TopRow): void;
}

/** More rows than anyone reads; keeps the grid quick on profiles with tens of thousands of functions. */
const MAX_ROWS = 200;

export class TopTable {
  readonly element: HTMLElement;
  private readonly grid: ReturnType<typeof dataGrid>;
  private rows: TopRow[] = [];
  private sortKey: TopSortKey = 'flat';

  constructor(private readonly options: TopTableOptions) {
    this.element = document.createElement('section');
    this.element.className = 'top';
    this.grid = dataGrid([
      { key: 'flat', title: 'Flat', width: '74px' },
      // Wide enough for a signed change and its share of the base ("+1017 MB", "-100.0%") when comparing.
      { key: 'flatPct', title: 'Flat%', width: '66px' },
      { key: 'cum', title: 'Cum', width: '74px' },
      { key: 'cumPct', title: 'Cum%', width: '66px' },
      { key: 'function', title: 'Function', width: 'minmax(120px, 1fr)' },
    ]);
    for (const cell of this.grid.headerCells) {
      const key = cell.dataset.key;
      const sortKey: TopSortKey | undefined = key === 'flat' || key === 'flatPct' ? 'flat' : key === 'cum' || key === 'cumPct' ? 'cum' : undefined;
      if (!sortKey) continue;
      cell.classList.add('sortable');
      cell.title = `Sort by ${sortKey === 'flat' ? 'flat (own) value' : 'cumulative value (with callees)'}`;
      cell.addEventListener('click', () => this.sortBy(sortKey));
    }
    this.element.append(this.grid);
  }

  setRows(rows: readonly TopRow[]): void {
    this.rows = [...rows];
    this.draw();
  }

  sortBy(key: TopSortKey): void {
    this.sortKey = key;
    this.draw();
  }

  get sortedBy(): TopSortKey {
    return this.sortKey;
  }

  private draw(): void {
    const key = this.sortKey;
    // By magnitude, as pprof sorts: comparing, the rows are changes, and the largest shrinkage counts too.
    const sorted = [...this.rows].sort((a, b) => Math.abs(b[key]) - Math.abs(a[key]) || a.function.localeCompare(b.function)).slice(0, MAX_ROWS);
    for (const cell of this.grid.headerCells) {
      const k = cell.dataset.key;
      cell.classList.toggle('sorted', k === key || k === `${key}Pct`);
    }
    const { format, percent, onSelect, onOpen } = this.options;
    this.grid.setRows(
      sorted.map((row) => ({
        cells: [format(row.flat), percent(row.flat), format(row.cum), percent(row.cum), shortName(row.function)],
        title: row.file === '' ? row.function : `${row.function}\n${row.file}`,
        onSelect: () => onSelect(row),
        onActivate: () => onOpen(row),
      })),
    );
  }
}
