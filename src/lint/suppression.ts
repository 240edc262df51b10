/**
 * `//nolint` the Go way (golangci-lint's syntax): `//nolint:goroscope`, `//nolint:<rule-id>[,<id>…]` or a
 * bare `//nolint`, at the end of the reported line or alone on the line above it. A rule that does what
 * another linter does is also silenced by that linter's name (`//nolint:bodyclose` for http-body-not-closed,
 * Rule.nolintAliases), so the directives a team wrote for golangci-lint keep working.
 */
const NOLINT = /\/\/\s*nolint(?::([\w,\s-]+))?/;

export class Suppressions {
  private readonly lines: string[];

  constructor(source: string) {
    this.lines = source.split('\n');
  }

  isSuppressed(rule: string, line: number, aliases: readonly string[] = []): boolean {
    if (this.lineSuppresses(this.lines[line], rule, aliases, false)) return true;
    return this.lineSuppresses(this.lines[line - 1], rule, aliases, true);
  }

  private lineSuppresses(text: string | undefined, rule: string, aliases: readonly string[], aloneOnLine: boolean): boolean {
    if (text === undefined) return false;
    const m = NOLINT.exec(text);
    if (!m) return false;
    if (aloneOnLine && !/^\s*\/\//.test(text)) return false;
    const names = m[1]?.split(',').map((s) => s.trim().split(/\s+/)[0] ?? '').filter(Boolean);
    if (!names || names.length === 0) return true;
    return names.some((n) => n === 'goroscope' || n === rule || n === 'all' || aliases.includes(n));
  }
}
