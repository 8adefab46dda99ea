/**
 * `jobcert diff OLD NEW` (or RUN1 … RUNn, oldest first): two certifications
 * compared, as Markdown for a pull-request comment or as JSON. Reading the
 * files is here; the comparison is core/diff/, pure.
 */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { readRun } from '../../core/diff/read.js';
import { DEFAULT_DIFF_OPTIONS } from '../../core/diff/model.js';
import { UsageError } from '../cli-errors.js';

interface DiffFlags { format: 'md' | 'json'; out?: string; failOn?: 'regression'; latencyTolerance: number; latencyFloorMs: number }

/** `20%`, `20` or `12.5%`: a percentage of OLD's latency. */
export function parseTolerance(raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(raw);
  if (!m) throw new UsageError(`--latency-tolerance must be a percentage such as 20%, got ${JSON.stringify(raw)}`);
  return Number(m[1]);
}

export function parseFloorMs(raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:ms)?\s*$/.exec(raw);
  if (!m) throw new UsageError(`--latency-floor-ms must be a number of milliseconds (0 or more), got ${JSON.stringify(raw)}`);
  return Number(m[1]);
}


export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description('compare certifications: new failures, fixes, flapping checks, the verdict, LOAD latency and the rate limit, as Markdown for a PR comment or JSON')
    .argument('<runs...>', 'two or more compliance.json files or report directories, oldest first; the last two are OLD and NEW')
    .addOption(new Option('--format <format>', 'md (a PR comment) or json').choices(['md', 'json']).default('md'))
    .option('--out <file>', 'write the diff to this file instead of stdout')
    .addOption(new Option('--fail-on <what>', 'exit 1 on new failures, a worse verdict or a LOAD regression beyond the tolerance').choices(['regression']))
    .addOption(new Option('--latency-tolerance <pct>', 'a LOAD regression is a p95 more than this much slower …').argParser(parseTolerance).default(DEFAULT_DIFF_OPTIONS.latencyTolerancePct, `${DEFAULT_DIFF_OPTIONS.latencyTolerancePct}%`))
    .addOption(new Option('--latency-floor-ms <ms>', '… and more than this many ms slower').argParser(parseFloorMs).default(DEFAULT_DIFF_OPTIONS.latencyFloorMs, `${DEFAULT_DIFF_OPTIONS.latencyFloorMs}`))
    .addHelpText('after', `
Examples:
  jobcert diff reports/2026-01-01T… reports/latest                 what changed since that run (Markdown on stdout)
  jobcert diff base/compliance.json head/compliance.json --fail-on regression --out diff.md
  jobcert diff run1 run2 run3 run4 --format json                  with flapping checks over four runs

Exit codes: 0 (also with regressions, unless --fail-on regression), 1 regressions with --fail-on regression, 2 bad input.`)
    .action(async (runs: string[], flags: DiffFlags) => {
      if (runs.length < 2) throw new UsageError('diff needs at least two runs: jobcert diff OLD NEW (report directories or compliance.json files, oldest first)');
      const inputs = runs.map(readRun);
      const { diffRuns } = await import('../../core/diff/diff.js');
      const report = diffRuns(inputs, { latencyTolerancePct: flags.latencyTolerance, latencyFloorMs: flags.latencyFloorMs });
      const text = flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : (await import('../../core/diff/markdown.js')).renderDiffMarkdown(report);
      if (flags.out !== undefined) {
        try {
          writeFileSync(flags.out, text);
        } catch (err) {
          throw new UsageError(`--out ${flags.out}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        }
        console.error(`wrote ${flags.out}${report.regressed ? ` (${report.regressions.length} regressions)` : ''}`);
      } else {
        process.stdout.write(text);
      }
      if (flags.failOn === 'regression' && report.regressed) process.exitCode = 1;
    });
}
