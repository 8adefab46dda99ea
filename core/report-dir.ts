/**
 * Where a run's reports go, settled before anything runs: a directory jobcert
 * can create and write, outside its own source folders. A problem is a usage
 * error (exit 2) at once, not a hang or a lost run at the end.
 */
import { mkdirSync, rmSync, statSync, symlinkSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.js';
import { ROOT } from './runtime.js';

/** jobcert's own folders: a report written there would mix with its sources. */
const SOURCE_FOLDERS = ['contracts', 'core', 'mocks', 'suites', 'scripts', 'tests', 'bench', 'bin', 'node_modules', '.git'];

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** Creates `dir` one level at a time (Node's recursive mkdir spins forever on some paths, /proc among them). */
export function makeDirs(dir: string, flag = 'the report directory'): void {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    let stat;
    try { stat = statSync(at); } catch { stat = undefined; }
    if (stat) {
      if (!stat.isDirectory()) throw new UsageError(`${flag} ${dir}: ${at} is not a directory`);
      break;
    }
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      throw new UsageError(`${flag} ${dir}: cannot create ${d} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
}

/** The directory the reports of a run started at `startedAt` go to, created and proven writable. */
export function prepareReportDir(out: string | undefined, startedAt: Date, cwd: string = process.cwd()): string {
  const flag = out === undefined ? 'the report directory' : '--out';
  // The pid keeps two runs started in the same millisecond apart.
  const dir = out === undefined ? resolve(cwd, 'reports', `${startedAt.toISOString().replace(/[:.]/g, '-')}-${process.pid}`) : resolve(cwd, out);
  const inSources = SOURCE_FOLDERS.map((f) => join(ROOT, f)).find((f) => isInside(dir, f));
  if (inSources) throw new UsageError(`${flag} ${dir} is inside jobcert's own ${relative(ROOT, inSources)}/ folder; pick a folder outside its sources (e.g. reports/)`);
  makeDirs(dir, flag);
  const probe = join(dir, `.jobcert-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    rmSync(probe, { force: true });
    throw new UsageError(`${flag} ${dir}: cannot write into it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return dir;
}

/** Points `<cwd>/reports/latest` at `dir` by an atomic rename, so concurrent runs never leave it broken. */
export function pointLatest(dir: string, cwd: string = process.cwd()): void {
  const reports = resolve(cwd, 'reports');
  if (dirname(dir) !== reports) return;
  const temp = join(reports, `.latest-${process.pid}`);
  try {
    rmSync(temp, { force: true });
    symlinkSync(relative(reports, dir), temp);
    renameSync(temp, join(reports, 'latest'));
  } catch {
    rmSync(temp, { force: true });
  }
}
