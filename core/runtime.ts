/**
 * Where jobcert runs from: its TypeScript sources in a clone (through tsx), or
 * the compiled package (dist/, plain node). Modules that start a process or a
 * test file of their own, or read the version, ask here instead of naming a
 * `.ts` file, so both forms work.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** True in the compiled package: this very module is a .js file. */
export const COMPILED = !import.meta.url.endsWith('.ts');
const EXT = COMPILED ? '.js' : '.ts';

/** The running tree's root: the clone, or dist/ in the package. Modules, assets and suites sit under it. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A module of the running tree by its path without extension, e.g. `suites/certify.entry`. */
export const modulePath = (pathNoExt: string): string => join(ROOT, `${pathNoExt}${EXT}`);

/** Node flags a child process needs to run a module of the running tree (tsx in a clone, nothing compiled). */
export function nodeArgsForModules(): string[] {
  if (COMPILED) return [];
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
}

/** jobcert's package.json: up from this module until the one named jobcert (the clone's root, or the package's). */
function findPackageJson(): { name: string; version: string } {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'jobcert' && pkg.version) return { name: pkg.name, version: pkg.version };
    }
    if (dirname(dir) === dir) return { name: 'jobcert', version: '0.0.0' };
  }
}

export const VERSION = findPackageJson().version;
