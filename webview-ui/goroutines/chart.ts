/** Small line charts as inline SVG, built with DOM APIs (no HTML strings, no library). */

const SVG = 'http://www.w3.org/2000/svg';

export interface ChartOptions {
  width: number;
  height: number;
  /** Accessible name and tooltip. */
  label: string;
  className?: string;
  /** The value at the bottom of the box (0 for counts, so small noise on a large level looks flat); default: the lowest value. */
  floor?: number;
}

/** A polyline through the values (nulls break nothing: they are skipped), scaled to the box; min and max marked. */
export function lineChart(values: ReadonlyArray<number | null>, options: ChartOptions): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(options.width));
  svg.setAttribute('height', String(options.height));
  svg.setAttribute('viewBox', `0 0 ${options.width} ${options.height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', options.label);
  svg.classList.add('chart');
  if (options.className) svg.classList.add(options.className);
  const title = document.createElementNS(SVG, 'title');
  title.textContent = options.label;
  svg.append(title);
  const points = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null && Number.isFinite(p.v));
  if (points.length === 0) return svg;
  const min = Math.min(options.floor ?? Infinity, ...points.map((p) => p.v));
  const max = Math.max(...points.map((p) => p.v));
  const pad = 3;
  const x = (i: number) => (values.length <= 1 ? options.width / 2 : pad + (i * (options.width - 2 * pad)) / (values.length - 1));
  const y = (v: number) => (max === min ? options.height / 2 : options.height - pad - ((v - min) * (options.height - 2 * pad)) / (max - min));
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '));
  line.setAttribute('fill', 'none');
  line.classList.add('chart-line');
  svg.append(line);
  const last = points[points.length - 1] as { v: number; i: number };
  const dot = document.createElementNS(SVG, 'circle');
  dot.setAttribute('cx', x(last.i).toFixed(1));
  dot.setAttribute('cy', y(last.v).toFixed(1));
  dot.setAttribute('r', '2.5');
  dot.classList.add('chart-dot');
  svg.append(dot);
  return svg;
}
