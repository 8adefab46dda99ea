// What people copy into their CI: the composite GitHub Action, the GitLab
// example and what `jobcert init` writes are valid, consistent (every input
// used is defined, the version pinned is this one) and accepted by jobcert
// itself; and the CLI's conventions (--version, help with examples, a clear
// unknown command) hold.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveOptions } from '../../scripts/certify/options.js';
import { ROOT } from '../certify/run-certify.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const jobcert = (args: string[], cwd = ROOT) => spawnSync(process.execPath, [join(ROOT, 'bin/jobcert.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });

describe('action.yml (composite GitHub Action)', () => {
  const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
  const action = parse(text) as { inputs: Record<string, { description: string; default?: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: { id?: string; uses?: string; run?: string; shell?: string }[] } };

  it('is a composite action whose every input used is defined, and every input defined is used', () => {
    expect(action.runs.using).toBe('composite');
    const used = new Set([...text.matchAll(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g)].map((m) => m[1]));
    expect([...used].filter((i) => !(i! in action.inputs))).toEqual([]);
    expect(Object.keys(action.inputs).filter((i) => !used.has(i))).toEqual([]);
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).toBeTruthy();
  });

  it('runs steps with a shell, pins this version, uploads the reports, and its output names a real step', () => {
    for (const step of action.runs.steps) if (step.run) expect(step.shell, step.run.slice(0, 40)).toBe('bash');
    expect(action.inputs.version?.default).toBe(VERSION);
    expect(action.runs.steps.some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
    const ids = new Set(action.runs.steps.map((s) => s.id));
    for (const out of Object.values(action.outputs)) expect(ids.has(/steps\.([\w-]+)\./.exec(out.value)?.[1])).toBe(true);
    // Keys travel as env vars jobcert reads, never as arguments a log could show.
    expect(text).toMatch(/JOBCERT_API_KEY: \$\{\{ inputs\.api-key \}\}/);
    expect(text).not.toMatch(/--api-key/);
  });
});

describe('examples/gitlab-ci.yml', () => {
  it('pins this version and feeds the JUnit report from the folder certify writes', () => {
    const ci = parse(readFileSync(join(ROOT, 'examples/gitlab-ci.yml'), 'utf8')) as { jobcert: { script: string[]; artifacts: { reports: { junit: string }; paths: string[] } } };
    const script = ci.jobcert.script.join('\n');
    expect(script).toContain(`jobcert@${VERSION} certify`);
    const out = /--out (\S+)/.exec(script)?.[1];
    expect(ci.jobcert.artifacts.reports.junit).toBe(`${out}/junit.xml`);
    expect(ci.jobcert.artifacts.paths).toContain(`${out}/`);
  });
});

describe('jobcert init', () => {
  it('writes a config the CLI and the shipped schema accept, and a workflow pinned to this version; never overwrites without --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobcert-init-'));
    const first = jobcert(['init', '--target', 'https://staging.example.com'], dir);
    expect(first.status, first.stderr).toBe(0);
    const configPath = join(dir, 'jobcert.config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    const schema = JSON.parse(readFileSync(join(ROOT, 'contracts/jobcert.config.schema.json'), 'utf8'));
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(resolveOptions({ config: configPath }, { JOBCERT_API_KEY: 'jc_k' }).target).toBe('https://staging.example.com');
    const workflow = parse(readFileSync(join(dir, '.github/workflows/jobcert.yml'), 'utf8')) as { jobs: { certify: { steps: { run?: string; env?: Record<string, string> }[] } } };
    const run = workflow.jobs.certify.steps.find((s) => s.run?.includes('jobcert@'));
    expect(run?.run).toContain(`jobcert@${VERSION} certify --config jobcert.config.json`);
    expect(run?.env?.JOBCERT_API_KEY).toBe('${{ secrets.JOBCERT_API_KEY }}');

    writeFileSync(configPath, '{"edited": true}');
    const again = jobcert(['init'], dir);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/jobcert\.config\.json and \.github\/workflows\/jobcert\.yml already exist; nothing was written \(--force overwrites\)/);
    expect(readFileSync(configPath, 'utf8')).toBe('{"edited": true}');
    expect(jobcert(['init', '--force'], dir).status).toBe(0);
    expect(readFileSync(configPath, 'utf8')).not.toBe('{"edited": true}');
  });
});

describe('CLI conventions', () => {
  it('--version prints the version', () => {
    const r = jobcert(['--version']);
    expect([r.status, r.stdout.trim()]).toEqual([0, VERSION]);
  });

  it('every command has -h/--help with examples', () => {
    for (const command of [[], ['certify'], ['mock'], ['load'], ['onboard'], ['pact', 'verify'], ['pact', 'publish'], ['init']]) {
      const r = jobcert([...command, '-h']);
      expect(r.status, command.join(' ')).toBe(0);
      expect(r.stdout, command.join(' ')).toMatch(/Examples?:\n/);
    }
  });

  it('an unknown command is exit 2 with the closest match', () => {
    const r = jobcert(['certfy']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'certfy'/);
    expect(r.stderr).toMatch(/Did you mean certify\?/);
  });
});
