import path from 'node:path';
import type { ModuleResolver } from '../go/modules';
import { PackageIndex } from '../go/packageIndex';
import type { SyntaxNode } from '../go/parser';
import { TypeResolver } from '../go/types';
import { findHandlerDecls } from './declarations';
import type { Framework, Handler, HandlerDecl, HandlerRef, PackageHandlers, Registration } from './model';
import { packageLevelLiterals } from './naming';
import { OriginPrefixes } from './origins';
import { findRegistrations } from './registrations';
import { joinPrefix } from './routers';
import { collectPackageValues, type FileScope } from './scope';
import { findRouterSites } from './sites';

/** A Go file parsed by the caller (who owns the tree and deletes it afterwards). */
export interface ParsedGoFile {
  file: string;
  source: string;
  root: SyntaxNode;
}

/**
 * Handler declarations and registrations of the files of one directory, one entry per package
 * clause (`foo` and `foo_test` are two packages). Routes registered in one file for a handler declared
 * in another are linked later, by linkHandlers, from this tree-free summary.
 */
export function summarizePackageHandlers(files: readonly ParsedGoFile[], importPathOf: (dir: string, packageName: string) => string | undefined = () => undefined): PackageHandlers[] {
  const index = new PackageIndex();
  const byPackage = new Map<string, ParsedGoFile[]>();
  for (const f of files) {
    const summary = index.update(f.file, f.root);
    const list = byPackage.get(summary.packageName);
    if (list) list.push(f);
    else byPackage.set(summary.packageName, [f]);
  }
  const out: PackageHandlers[] = [];
  for (const [packageName, pkgFiles] of byPackage) {
    const packageValues: FileScope['packageValues'] = new Map();
    const scopes: FileScope[] = pkgFiles.map((f) => ({
      file: f.file,
      source: f.source,
      root: f.root,
      resolver: new TypeResolver(index.summaryOf(f.file)?.imports ?? new Map(), index.scopeFor(f.file)),
      packageValues,
    }));
    for (const s of scopes) collectPackageValues(s, packageValues);
    const packageLiterals = scopes.flatMap((s) => packageLevelLiterals(s.root));
    const first = pkgFiles[0];
    const dir = first ? path.dirname(first.file) : '';
    const importPath = importPathOf(dir, packageName);
    out.push({
      dir,
      packageName,
      importPath,
      decls: scopes.flatMap((s) => findHandlerDecls(s.file, s.source, s.root, s.resolver.imports, packageLiterals, importPath)),
      registrations: scopes.flatMap((s) => findRegistrations(s)),
      sites: scopes.flatMap((s) => findRouterSites(s)),
    });
  }
  return out;
}

/**
 * The import path Go gives a package in profiles: `main` for commands, the module path plus the
 * directory below go.mod otherwise (Go's own sources: the path below GOROOT/src), `_test` appended
 * for an external test package. Undefined outside a module.
 */
export function packageImportPath(modules: ModuleResolver, dir: string, packageName: string): string | undefined {
  if (packageName === 'main') return 'main';
  const mod = modules.moduleOf(dir);
  if (!mod) return undefined;
  const rel = path.relative(mod.root, dir).split(path.sep).join('/');
  const base = mod.path === 'std' || mod.path === 'cmd' ? (mod.path === 'cmd' ? `cmd/${rel}` : rel) : rel === '' ? mod.path : `${mod.path}/${rel}`;
  return packageName.endsWith('_test') ? `${base}_test` : base;
}

/**
 * Handlers with their routes: each registration is matched to the handler it names, in its own
 * package or an imported one of the set; a registration on a router its function's callers provide
 * takes the prefixes of those call sites (one route per site); a handler registered under several
 * routes (or methods) appears once per route, a declared one without any registration once with a null
 * route, and a function literal only where it is registered. Sorted by file, line, route and method.
 */
export function linkHandlers(packages: readonly PackageHandlers[]): Handler[] {
  const byImportPath = new Map<string, PackageHandlers>();
  for (const p of packages) if (p.importPath !== undefined && p.importPath !== 'main') byImportPath.set(p.importPath, p);
  const origins = new OriginPrefixes(packages);
  const routes = new Map<HandlerDecl, Array<{ reg: Registration }>>();
  for (const pkg of packages) {
    for (const registered of pkg.registrations) {
      const decl = firstHandler(registered.targets, pkg, byImportPath);
      if (!decl) continue;
      const prefixes = registered.origin ? origins.of(pkg, registered.origin) : undefined;
      const regs = prefixes
        ? prefixes.map((p) => ({ ...registered, route: registered.route === null ? null : joinPrefix(p, registered.route) ?? null }))
        : [registered];
      const list = routes.get(decl) ?? [];
      for (const reg of regs) list.push({ reg });
      routes.set(decl, list);
    }
  }
  const handlers: Handler[] = [];
  for (const pkg of packages) {
    const prefix = pkg.importPath ?? pkg.packageName;
    for (const decl of pkg.decls) {
      const regs = routes.get(decl) ?? [];
      if (regs.length === 0 && decl.needsRegistration) continue;
      const base = { file: decl.file, line: decl.line, column: decl.column, function: decl.function, symbol: `${prefix}.${decl.localSymbol}` };
      if (regs.length === 0) {
        handlers.push({ ...base, route: null, method: null, framework: decl.signature });
        continue;
      }
      const seen = new Set<string>();
      for (const { reg } of regs) {
        const k = `${reg.route}\0${reg.method}`;
        if (seen.has(k)) continue;
        seen.add(k);
        handlers.push({ ...base, route: reg.route, method: reg.method, framework: frameworkOf(decl, reg) });
      }
    }
  }
  return handlers.sort(compareHandlers);
}

function firstHandler(targets: readonly HandlerRef[], own: PackageHandlers, byImportPath: Map<string, PackageHandlers>): HandlerDecl | undefined {
  const packageOf = (pkg: string | null) => (pkg === null ? own : byImportPath.get(pkg));
  for (const ref of targets) {
    if ('key' in ref) {
      const found = packageOf(ref.pkg)?.decls.find((d) => d.key === ref.key);
      if (found) return found;
      continue;
    }
    // Receiver type unknown: a method of that name, if only one in the first package that has any.
    for (const pkg of ref.pkgs) {
      const candidates = packageOf(pkg)?.decls.filter((d) => d.methodName === ref.methodName) ?? [];
      if (candidates.length === 1) return candidates[0];
      if (candidates.length > 1) break;
    }
  }
  return undefined;
}

/**
 * gin, echo and fiber handlers say so by their signature; a net/http handler takes the name of the router
 * that serves it (chi, gorilla/mux, or gin through `gin.WrapF`), net/http when the router is not shown.
 */
function frameworkOf(decl: HandlerDecl, reg: Registration): Framework {
  if (decl.signature !== 'net/http') return decl.signature;
  return reg.router ?? 'net/http';
}

function compareHandlers(a: Handler, b: Handler): number {
  const byText = (x: string | null, y: string | null) => ((x ?? '') < (y ?? '') ? -1 : (x ?? '') > (y ?? '') ? 1 : 0);
  return byText(a.file, b.file) || a.line - b.line || a.column - b.column || byText(a.route, b.route) || byText(a.method, b.method);
}
