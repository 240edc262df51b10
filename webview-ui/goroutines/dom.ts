/** Small DOM builders for the Goroutines and watch pages: every untrusted string goes in as text. */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className !== undefined) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A link-looking button (no href: nothing navigates) that runs `onClick`. */
export function linkButton(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'link', text);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', (e) => {
    e.preventDefault();
    e.stopPropagation();
    onClick();
  });
  return b;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** `12 min`, `3–25 min`, `<1–25 min`; '' when unknown or under a minute (the runtime prints a wait only from one minute on). */
export function waitRange(min: number | null, max: number | null): string {
  if (min === null || max === null || max === 0) return '';
  const low = min === 0 ? '<1' : String(min);
  return min === max ? `${min} min` : `${low}–${max} min`;
}

/** The file's last two path elements and the line: `search/search.go:59`. */
export function shortLocation(file: string, line: number): string {
  const parts = file.split(/[\\/]/).filter((p) => p !== '');
  return `${parts.slice(-2).join('/') || file}${line > 0 ? `:${line}` : ''}`;
}
