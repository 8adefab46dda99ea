/**
 * `jobcert init`: a starter jobcert.config.json and a GitHub workflow in the
 * current project. Nothing is overwritten without --force: when a file exists,
 * nothing is written at all.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../cli-errors.js';
import { configTemplate, workflowTemplate } from '../init/templates.js';
import { VERSION } from '../runtime.js';

interface InitFlags { force?: boolean; target?: string; dir?: string }

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('write a starter jobcert.config.json and a GitHub workflow (.github/workflows/jobcert.yml) into this project')
    .option('--target <url>', 'the provider the config points at (default a placeholder to edit)')
    .option('--dir <dir>', 'the project folder (default: the current one)')
    .option('--force', 'overwrite files that exist')
    .addHelpText('after', `
Example:
  jobcert init --target https://staging.example.com   then set the JOBCERT_API_KEY secret and commit both files`)
    .action((flags: InitFlags) => {
      const dir = resolve(flags.dir ?? '.');
      if (flags.target !== undefined && !/^https?:\/\/\S+$/.test(flags.target)) throw new UsageError(`--target must be an http or https URL, got ${JSON.stringify(flags.target)}`);
      const files = [
        { path: join(dir, 'jobcert.config.json'), text: configTemplate(flags.target) },
        { path: join(dir, '.github', 'workflows', 'jobcert.yml'), text: workflowTemplate(VERSION) },
      ];
      const existing = files.filter((f) => existsSync(f.path)).map((f) => relative(process.cwd(), f.path) || f.path);
      if (existing.length > 0 && !flags.force) throw new UsageError(`${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written (--force overwrites)`);
      for (const f of files) {
        mkdirSync(dirname(f.path), { recursive: true });
        writeFileSync(f.path, f.text);
        console.log(`wrote ${relative(process.cwd(), f.path) || f.path}`);
      }
      console.log('next: set the JOBCERT_API_KEY secret (and JOBCERT_ALT_API_KEY, JOBCERT_BROKE_API_KEY), edit the target and clips, commit both files');
    });
}
