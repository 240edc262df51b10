/**
 * `//nolint` the Go way (golangci-lint's syntax): `//nolint:goroscope`, `//nolint:<rule-id>[,<id>…]` or a
 * bare `//nolint`, at the end of the reported line or alone on the line above it.
 */
const NOLINT = /\/\/\s*nolint(?::([\w,\s-]+))?/;

export class Suppressions {
  private readonly lines: string[];

  constructor(source: string) {
    this.lines = source.split('\n');
  }

  isSuppressed(rule: string, line: number): boolean {
    if (this.lineSuppresses(this.lines[line], rule, false)) return true;
    return this.lineSuppresses(this.lines[line - 1], rule, true);
  }

  private lineSuppresses(text: string | undefined, rule: string, aloneOnLine: boolean): boolean {
    if (text === undefined) return false;
    const m = NOLINT.exec(text);
    if (!m) return false;
    if (aloneOnLine && !/^\s*\/\//.test(text)) return false;
    const names = m[1]?.split(',').map((s) => s.trim().split(/\s+/)[0] ?? '').filter(Boolean);
    if (!names || names.length === 0) return true;
    return names.some((n) => n === 'goroscope' || n === rule || n === 'all');
  }
}
