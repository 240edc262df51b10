// The files `goroscope lint DIR` visits (the go tool's rule: skip vendor, testdata, .x and _x dirs).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function goFiles(dir) {
  const out = [];
  const visit = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      const isDir = e.isDirectory() || (e.isSymbolicLink() && statSync(full).isDirectory());
      if (isDir) {
        if (e.name === 'vendor' || e.name === 'testdata' || e.name.startsWith('.') || e.name.startsWith('_')) continue;
        visit(full);
      } else if (e.name.endsWith('.go')) {
        out.push(full);
      }
    }
  };
  visit(dir);
  return out.sort();
}
