import type { PackageHandlers, RouterOrigin, RouterSite } from './model';
import { joinPrefix } from './routers';

/** Call chains followed at most this deep (a function handing its router on to another, and so on). */
const MAX_DEPTH = 8;

/**
 * The prefixes a router origin stands for, from the call sites (RouterSite) of every package of the set:
 * each site's prefix, after the prefixes of the site's own origin when its router comes from its callers
 * too. Undefined when no site is seen (the function is called from code outside the set, or not at
 * all): its routes stay as registered. An undefined entry is a prefix computed at run time.
 */
export class OriginPrefixes {
  private readonly sites = new Map<string, Array<{ site: RouterSite; pkg: PackageHandlers }>>();
  private readonly byImportPath = new Map<string, PackageHandlers>();

  constructor(packages: readonly PackageHandlers[]) {
    for (const p of packages) if (p.importPath !== undefined && p.importPath !== 'main') this.byImportPath.set(p.importPath, p);
    for (const pkg of packages) {
      for (const site of pkg.sites) {
        const target = site.pkg === null ? pkg : this.byImportPath.get(site.pkg);
        if (!target) continue;
        const k = key(target, site.fn, site.slot);
        const list = this.sites.get(k);
        if (list) list.push({ site, pkg });
        else this.sites.set(k, [{ site, pkg }]);
      }
    }
  }

  /** The prefixes of `origin`, a function of `pkg`. */
  of(pkg: PackageHandlers, origin: RouterOrigin, depth = 0, seen = new Set<string>()): Array<string | undefined> | undefined {
    const k = key(pkg, origin.fn, origin.slot);
    const sites = this.sites.get(k);
    if (!sites || depth > MAX_DEPTH || seen.has(k)) return undefined;
    const inner = new Set(seen).add(k);
    const prefixes = new Set<string | undefined>();
    for (const { site, pkg: caller } of sites) {
      const outer = site.origin ? (this.of(caller, site.origin, depth + 1, inner) ?? ['']) : [''];
      for (const o of outer) prefixes.add(joinPrefix(o, site.prefix));
    }
    return [...prefixes];
  }
}

function key(pkg: PackageHandlers, fn: string, slot: RouterOrigin['slot']): string {
  return `${pkg.dir}\0${pkg.packageName}\0${fn}\0${slot}`;
}
