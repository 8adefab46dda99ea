/**
 * What makes runs hard to compare: another contract, target, profile,
 * strictness, selection, or (for the embedded mock) other faults and
 * variants. Each is a warning beside the diff, never a reason to refuse it.
 */
import type { Compliance } from '../results.js';
import type { DiffWarning, WarningKind } from './model.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const settingsOf = (doc: Compliance): Json | undefined => (isObject(doc.provenance?.settings) ? doc.provenance.settings : undefined);
const mockOf = (doc: Compliance): Json | undefined => { const m = settingsOf(doc)?.mock; return isObject(m) ? m : undefined; };

/** A contract hash, or undefined when the run cannot say (no provenance, or a package without its contract files). */
function hashOf(doc: Compliance, which: 'spec_sha256' | 'openapi_sha256'): string | undefined {
  const h = doc.provenance?.[which];
  return typeof h === 'string' && /^[0-9a-f]{64}$/.test(h) ? h : undefined;
}

/** The embedded mock listens on another port every run: it is one target. */
const targetOf = (doc: Compliance): string => (mockOf(doc) ? 'the embedded mock' : doc.target);

function selectionOf(doc: Compliance): string | undefined {
  const s = settingsOf(doc);
  if (!s) return undefined;
  const only = list(s.only);
  const skip = list(s.skip);
  return [only.length ? `--only ${only.join(',')}` : '', skip.length ? `--skip ${skip.join(',')}` : ''].filter(Boolean).join(' ') || 'everything';
}

function mockSetupOf(doc: Compliance): string | undefined {
  const m = mockOf(doc);
  if (!m) return undefined;
  const faults = list(m.faults);
  const variants = list(m.variants);
  return [faults.length ? `faults ${faults.join(', ')}` : 'no fault', variants.length ? `variants ${variants.join(', ')}` : ''].filter(Boolean).join('; ');
}

/** One warning when the runs that say something disagree on it. */
function differ(kind: WarningKind, what: string, values: readonly (string | undefined)[], labels: readonly string[]): DiffWarning[] {
  const said = values.map((v, i) => ({ v, label: labels[i] ?? `run ${i + 1}` })).filter((x): x is { v: string; label: string } => x.v !== undefined);
  if (new Set(said.map((x) => x.v)).size <= 1) return [];
  return [{ kind, message: `${what}: ${said.map((x) => `${x.label} ${x.v}`).join('; ')}` }];
}

export function diffWarnings(docs: readonly Compliance[], labels: readonly string[]): DiffWarning[] {
  const short = (h: string | undefined): string | undefined => (h === undefined ? undefined : `${h.slice(0, 12)}…`);
  const out: DiffWarning[] = [];
  const unproven = docs.map((d, i) => (hashOf(d, 'spec_sha256') === undefined ? labels[i] : undefined)).filter((l): l is string => l !== undefined);
  if (unproven.length > 0) {
    const one = unproven.length === 1;
    out.push({ kind: 'provenance', message: `${unproven.join(', ')} ${one ? 'does' : 'do'} not record the contract ${one ? 'it' : 'they'} judged against (no provenance: an older jobcert); whether the runs judged the same contract cannot be told` });
  }
  const times = docs.map((d) => Date.parse(d.started_at));
  if (times.every(Number.isFinite) && times.some((t, i) => i > 0 && t < (times[i - 1] as number))) {
    out.push({ kind: 'order', message: `the runs are not given oldest first (started ${docs.map((d, i) => `${labels[i] ?? `run ${i + 1}`} ${d.started_at}`).join(', ')}): OLD is the second-to-last given, NEW the last` });
  }
  out.push(...differ('contract', 'the runs judged against different contracts (SPEC.md sha256)', docs.map((d) => short(hashOf(d, 'spec_sha256'))), labels));
  out.push(...differ('contract', 'the runs judged against different contracts (openapi.yaml sha256)', docs.map((d) => short(hashOf(d, 'openapi_sha256'))), labels));
  out.push(...differ('target', 'the runs certified different targets', docs.map(targetOf), labels));
  out.push(...differ('profile', 'the runs used different profiles', docs.map((d) => d.profile), labels));
  out.push(...differ('strict', 'the runs gated differently (--strict: SHOULD rules gate)', docs.map((d) => (d.strict ? 'strict' : 'not strict')), labels));
  out.push(...differ('selection', 'the runs selected different checks', docs.map(selectionOf), labels));
  // Only between runs of the embedded mock: a provider has no faults to compare.
  if (docs.every((d) => mockOf(d))) out.push(...differ('mock', 'the embedded mock ran differently', docs.map(mockSetupOf), labels));
  return out;
}
