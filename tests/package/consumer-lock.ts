/**
 * A lockfile for the empty consumer project of the package test, derived from
 * this repository's own: the packed tarball plus the part of the repository's
 * dependency tree it reaches, at the versions and integrities `npm ci` already
 * put in the npm cache. With it `npm ci --offline` installs the tarball with no
 * network (`npm test` needs none once `npm ci` has run); without a lockfile npm
 * would ask the registry for every package's metadata, which the cache lacks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  version?: string;
  integrity?: string;
  resolved?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [more: string]: unknown;
}
interface Lock { name: string; version: string; lockfileVersion: number; requires?: boolean; packages: Record<string, LockEntry> }

/** Where Node's resolution finds `name` from the package at `from` (a lockfile path): its own node_modules, then each parent's. */
function resolve(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let base = from; ; ) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/**
 * The consumer's lockfile: root depends on the tarball (as `jobcert`) and on
 * `extra` (name → exact version, each in this repository's lockfile).
 */
export function consumerLock(root: string, tarball: string, extra: Record<string, string>): Lock {
  const repo = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lock;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; bin?: Record<string, string>; engines?: Record<string, string> };
  const packages: Record<string, LockEntry> = {};
  const reached = new Set<string>();
  const visit = (path: string): void => {
    if (reached.has(path)) return;
    reached.add(path);
    const entry = repo.packages[path] as LockEntry;
    const { dev: _d, devOptional: _o, ...kept } = entry;
    // Reached from the consumer's runtime dependencies now, so none is a dev dependency any more.
    packages[path] = { ...kept, ...(entry.devOptional ? { optional: true } : {}) };
    const names = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !entry.peerDependenciesMeta?.[n]?.optional)];
    for (const name of names) {
      const found = resolve(repo.packages, path, name);
      if (found) visit(found);
    }
  };
  for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(extra)]) {
    const found = resolve(repo.packages, '', name);
    if (!found) throw new Error(`${name} is not in package-lock.json: run npm ci (or npm install) first`);
    if (extra[name] !== undefined && repo.packages[found]?.version !== extra[name]) throw new Error(`${name}@${extra[name]} is not the version in package-lock.json (${repo.packages[found]?.version})`);
    visit(found);
  }
  const { dependencies, bin, engines } = pkg;
  packages['node_modules/jobcert'] = { version: pkg.version, resolved: `file:${tarball}`, dependencies, ...(bin ? { bin } : {}), ...(engines ? { engines } : {}) };
  packages[''] = { name: 'consumer', version: '1.0.0', dependencies: { jobcert: `file:${tarball}`, ...extra } };
  const ordered = Object.fromEntries(Object.keys(packages).sort().map((k) => [k, packages[k] as LockEntry]));
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages: ordered };
}
