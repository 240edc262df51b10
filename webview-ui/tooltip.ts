/**
 * The hover card. d3-flame-graph's own tooltip writes HTML; profile strings come from services we
 * do not control, so this one is built from elements and textContent only.
 */

export interface TooltipContent {
  title: string;
  rows: ReadonlyArray<[label: string, value: string]>;
  hint?: string;
}

export class Tooltip {
  readonly element: HTMLDivElement;
  private x = 0;
  private y = 0;

  constructor(container: HTMLElement) {
    this.element = document.createElement('div');
    this.element.className = 'tooltip';
    this.element.setAttribute('role', 'tooltip');
    this.element.hidden = true;
    document.body.append(this.element);
    container.addEventListener('mousemove', (e) => {
      this.x = e.clientX;
      this.y = e.clientY;
      if (!this.element.hidden) this.place();
    });
    container.addEventListener('mouseleave', () => this.hide());
  }

  show(content: TooltipContent): void {
    const title = document.createElement('div');
    title.className = 'tooltip-title';
    title.textContent = content.title;
    const table = document.createElement('dl');
    for (const [label, value] of content.rows) {
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.textContent = value;
      table.append(dt, dd);
    }
    const parts: HTMLElement[] = [title, table];
    if (content.hint !== undefined) {
      const hint = document.createElement('div');
      hint.className = 'tooltip-hint';
      hint.textContent = content.hint;
      parts.push(hint);
    }
    this.element.replaceChildren(...parts);
    this.element.hidden = false;
    this.place();
  }

  hide(): void {
    this.element.hidden = true;
  }

  destroy(): void {
    this.element.remove();
  }

  /** Beside the pointer, flipped to stay inside the window. */
  private place(): void {
    const margin = 14;
    const { offsetWidth: w, offsetHeight: h } = this.element;
    let left = this.x + margin;
    let top = this.y + margin;
    if (left + w > window.innerWidth - 4) left = Math.max(4, this.x - w - margin);
    if (top + h > window.innerHeight - 4) top = Math.max(4, this.y - h - margin);
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
  }
}
