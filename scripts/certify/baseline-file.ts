/**
 * The baseline file (--baseline FILE): read and checked against the shipped
 * contracts/baseline.schema.json before anything runs (a missing or invalid
 * file is a usage error, exit 2, unless --baseline-update is to create it),
 * and written atomically by --baseline-update.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import type { Baseline } from '../../core/gates/model.js';
import { ROOT } from '../../core/runtime.js';
import { UsageError } from '../cli-errors.js';

export const BASELINE_SCHEMA_PATH = join(ROOT, 'contracts/baseline.schema.json');

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv2020({ strict: true, allErrors: false });
  // ajv-formats is CommonJS with `exports.default`; under NodeNext the callable is its `.default`.
  ajvFormats.default.default(ajv);
  validator = ajv.compile(JSON.parse(readFileSync(BASELINE_SCHEMA_PATH, 'utf8')) as object);
  return validator;
}

/** "/entries/2/expires must match format "date"" → "entries[2].expires must be …", naming the entry's check when there is one. */
function describe(err: ErrorObject | undefined, doc: unknown): string {
  if (!err) return 'does not match contracts/baseline.schema.json';
  const parts = err.instancePath.split('/').filter(Boolean);
  const where = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('') || 'the document';
  const entry = parts[0] === 'entries' && parts[1] !== undefined ? (doc as { entries: { check?: unknown }[] }).entries[Number(parts[1])] : undefined;
  const check = typeof entry?.check === 'string' ? ` (${entry.check})` : '';
  const extra = err.keyword === 'additionalProperties' ? ` "${String((err.params as { additionalProperty?: string }).additionalProperty)}"` : err.keyword === 'const' || err.keyword === 'enum' ? ` ${JSON.stringify(err.params)}` : '';
  return `${where}${check} ${err.message ?? 'is invalid'}${extra}`;
}

/**
 * The baseline at `file`, checked. Missing: a usage error, or, when
 * --baseline-update will create it, undefined.
 */
export function readBaseline(file: string, creating: boolean): Baseline | undefined {
  const origin = `--baseline ${file}`;
  if (!existsSync(file)) {
    if (creating && existsSync(dirname(file))) return undefined;
    if (creating) throw new UsageError(`${origin}: its folder ${dirname(file)} does not exist, so --baseline-update cannot create it there`);
    throw new UsageError(`${origin}: no such file (create it with --baseline-update, which records this run's failures)`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${origin}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const check = validate();
  if (!check(doc)) throw new UsageError(`${origin}: not a jobcert baseline (contracts/baseline.schema.json): ${describe(check.errors?.[0], doc)}`);
  const baseline = doc as Baseline;
  const seen = new Set<string>();
  baseline.entries.forEach((e, i) => {
    const key = `${e.check} ${e.signature}`;
    if (seen.has(key)) throw new UsageError(`${origin}: entries[${i}] repeats ${e.check} with signature ${e.signature}`);
    seen.add(key);
  });
  return baseline;
}

/** Writes the baseline next to itself and renames it into place, so a reader never sees half a file. */
export function writeBaseline(file: string, baseline: Baseline): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(baseline, null, 2)}\n`);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
