/** Reading Go source for "Open source": what a go.mod declares, where a function starts. No vscode import. */

/** The `module` directive of a go.mod file. */
export function modulePathOf(goMod: string): string | undefined {
  const m = /^\s*module\s+("?)([^\s"]+)\1\s*(?:\/\/.*)?$/m.exec(goMod);
  return m?.[2];
}

/** The line of `func Name` / `func (r *T) Name` for a Go function name, when the frame has no line. */
export function findFunctionLine(source: string, fn: string): number | undefined {
  const lastSlash = fn.lastIndexOf('/');
  const parts = fn.slice(lastSlash + 1).split('.').slice(1); // drop the package
  const name = parts.at(-1);
  if (!name || /^func\d+$/.test(name)) return undefined;
  const receiver = parts.length >= 2 ? (parts[parts.length - 2] as string).replace(/[()*]/g, '') : undefined;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = receiver
    ? new RegExp(`^func\\s*\\([^)]*\\b${escape(receiver)}\\b[^)]*\\)\\s*${escape(name)}\\s*[[(]`, 'm')
    : new RegExp(`^func\\s+${escape(name)}\\s*[[(]`, 'm');
  const m = re.exec(source);
  if (!m) return undefined;
  return source.slice(0, m.index).split('\n').length;
}

