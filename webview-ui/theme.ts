/**
 * Frame colours from the VS Code theme. d3-flame-graph sets `fill` as an SVG attribute, where CSS
 * variables do not resolve, so the --vscode-* values are read once per theme and mixed here.
 * Mixing each hue with the editor background keeps the editor foreground readable on every frame,
 * in light, dark and high-contrast themes alike.
 */

type Rgb = [number, number, number];

export interface Palette {
  /** Fill for a frame of the given function (hue by kind, shade by name). */
  frame(name: string): string;
  /** Fill for a frame in a comparison: red grows, green shrinks, by |delta| / scale. */
  diff(delta: number, scale: number): string;
  highlight: string;
  highContrast: boolean;
  /** The theme values the palette was made from: equal signatures, equal colours. */
  signature: string;
}

let probe: CanvasRenderingContext2D | null | undefined;

/** Any CSS colour the theme may use (#rgb, #rrggbbaa, rgb(), named) as RGB, via the canvas parser. */
function parseColor(value: string, fallback: Rgb): Rgb {
  const text = value.trim();
  if (text === '') return fallback;
  const hex = /^#([0-9a-f]{3,8})$/i.exec(text)?.[1];
  if (hex !== undefined && (hex.length === 3 || hex.length === 4)) {
    return [0, 1, 2].map((i) => parseInt((hex[i] as string).repeat(2), 16)) as Rgb;
  }
  if (hex !== undefined && (hex.length === 6 || hex.length === 8)) {
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
  }
  if (probe === undefined) probe = document.createElement('canvas').getContext('2d');
  if (!probe) return fallback;
  probe.fillStyle = '#000000';
  probe.fillStyle = text;
  const normalized = String(probe.fillStyle);
  const m = /^#([0-9a-f]{6})$/i.exec(normalized) ?? null;
  if (m?.[1]) return [0, 2, 4].map((i) => parseInt((m[1] as string).slice(i, i + 2), 16)) as Rgb;
  const rgba = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(normalized);
  return rgba ? [Number(rgba[1]), Number(rgba[2]), Number(rgba[3])] : fallback;
}

function mix(a: Rgb, b: Rgb, share: number): string {
  const c = a.map((v, i) => Math.round(v * share + (b[i] as number) * (1 - share)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** A small stable hash of a name, in [0, 1). */
function shade(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return ((h >>> 0) % 1000) / 1000;
}

/** The kind of code a Go function belongs to, by its package path. */
export function frameKind(name: string): 'runtime' | 'stdlib' | 'module' {
  if (name.startsWith('runtime.') || name.startsWith('runtime/')) return 'runtime';
  const slash = name.indexOf('/');
  // Module paths start with a domain (github.com/…); standard-library paths have no dot before the first slash.
  if (slash >= 0) return name.slice(0, slash).includes('.') ? 'module' : 'stdlib';
  return name.startsWith('main.') ? 'module' : 'stdlib';
}

export function readPalette(root: Element = document.body): Palette {
  const style = getComputedStyle(root);
  const v = (name: string, fallback: Rgb): Rgb => parseColor(style.getPropertyValue(name), fallback);
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  const background = v('--vscode-editor-background', [30, 30, 30]);
  const hues = {
    module: v('--vscode-charts-orange', [209, 134, 22]),
    stdlib: v('--vscode-charts-yellow', [204, 167, 0]),
    runtime: v('--vscode-charts-blue', [55, 148, 255]),
  };
  const red = v('--vscode-charts-red', [244, 135, 113]);
  const green = v('--vscode-charts-green', [137, 209, 133]);
  const purple = v('--vscode-charts-purple', [179, 128, 255]);
  const neutral = v('--vscode-editor-foreground', [204, 204, 204]);
  // High contrast: flatter fills, the borders (CSS) carry the separation.
  const [low, span] = highContrast ? [0.3, 0.1] : [0.38, 0.24];
  const cache = new Map<string, string>();
  return {
    highContrast,
    signature: JSON.stringify([highContrast, background, hues, red, green, purple, neutral]),
    frame(name) {
      let fill = cache.get(name);
      if (fill === undefined) {
        fill = mix(hues[frameKind(name)], background, low + span * shade(name));
        cache.set(name, fill);
      }
      return fill;
    },
    diff(delta, scale) {
      if (delta === 0 || scale <= 0) return mix(neutral, background, 0.12);
      const strength = Math.min(1, Math.abs(delta) / scale);
      return mix(delta > 0 ? red : green, background, 0.2 + 0.45 * Math.sqrt(strength));
    },
    highlight: mix(purple, background, highContrast ? 0.75 : 0.7),
  };
}

/** Calls back when VS Code switches theme (it swaps the body's classes and CSS variables). */
export function onThemeChange(callback: () => void): () => void {
  const observer = new MutationObserver(() => callback());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'style'] });
  const htmlObserver = new MutationObserver(() => callback());
  htmlObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => {
    observer.disconnect();
    htmlObserver.disconnect();
  };
}
