// Data flows one way: contracts → core → mocks/suites/load/pact/onboard/client
// → scripts. An import against that flow is named here with its file, before
// it turns into a cycle or drags the CLI into a stage.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The folders below scripts/, and the top-level folders each may import from (npm and node: packages aside); null: any but scripts/. */
const ALLOWED: Record<string, readonly string[] | null> = {
  contracts: ['contracts'],
  core: ['contracts', 'core'],
  mocks: null, suites: null, load: null, pact: null, onboard: null, client: null,
};

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports, static or dynamic, as written (comments and strings are not imports). */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** The top-level folder a relative import lands in; undefined for a package. */
function folderOf(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return relative(ROOT, resolve(ROOT, dirname(file), spec)).split(/[\\/]/)[0];
}

describe('layering', () => {
  it('no runtime module outside the vitest adapter imports vitest (vitest is the repository\'s test runner and a peer dependency of jobcert/vitest)', () => {
    const runtime = ['contracts', 'core', 'mocks', 'suites', 'load', 'pact', 'onboard', 'client', 'scripts'].flatMap(tsFiles);
    const users = runtime.filter((file) => importsOf(file).some((spec) => spec === 'vitest' || spec.startsWith('vitest/')));
    expect(users).toEqual(['scripts/vitest.ts']);
  });

  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder}/ imports ${allowed ? `only from ${allowed.map((f) => `${f}/`).join(' and ')}` : 'nothing from scripts/'}`, () => {
      const wrong = tsFiles(folder).flatMap((file) => importsOf(file).flatMap((spec) => {
        const target = folderOf(file, spec);
        if (target === undefined) return [];
        const ok = allowed ? allowed.includes(target) : target !== 'scripts';
        return ok ? [] : [`${file} imports ${spec}`];
      }));
      expect(wrong).toEqual([]);
    });
  }
});
