/**
 * The jobcert command line the tests run: compiled once per `vitest run`
 * (global setup) into .test-dist/, as the npm package ships it, rather than
 * through tsx. A few hundred certify, onboard and pact runs each paid about
 * 1.3 s of CPU to tsx's loader, the embedded mock's child process as much
 * again: minutes of CI on 2 cores. The clone's own path (bin/jobcert.js over
 * the sources, the README's `npm run certify`) stays proven by the tests that
 * run it (clean-run, shipping, mock-command).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Gitignored; inside the clone, so the compiled modules find node_modules and package.json above them. */
export const COMPILED_TREE = join(ROOT, '.test-dist');
export const COMPILED_CLI = join(COMPILED_TREE, 'scripts/cli.js');

/** tsc (incremental: a re-run only re-emits what changed) and the assets the compiled modules read beside them. */
export function buildCompiledCli(): void {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', COMPILED_TREE, '--declaration', 'false', '--incremental', '--tsBuildInfoFile', join(COMPILED_TREE, '.tsbuildinfo')], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [join(ROOT, 'scripts/copy-assets.mjs'), '--out', '.test-dist'], { cwd: ROOT, stdio: 'ignore' });
}
