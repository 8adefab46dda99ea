/**
 * The provenance record of a certification (compliance.json `provenance`):
 * which contract it judged against (SHA-256 of SPEC.md and openapi.yaml, as
 * shipped with this jobcert), the resolved settings, seed, target and times,
 * so the run can be checked and repeated later. Keys never appear: each is
 * recorded only as given or not.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../core/runtime.js';
import type { Provenance } from '../../core/results.js';
import type { RunConfig } from '../../suites/lib/config.js';
import type { CertifyOptions } from './options.js';

const sha256 = (path: string): string => {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    // A package without its contract files is broken; the record says so rather than failing the run.
    return 'unavailable';
  }
};

export function provenanceOf(opts: CertifyOptions, config: RunConfig, version: string, target: string, startedAt: Date, endedAt: Date): Provenance {
  const given = (key: string | undefined): 'given' | 'absent' => (key === undefined ? 'absent' : 'given');
  return {
    jobcert_version: version,
    spec_sha256: sha256(join(ROOT, 'contracts/SPEC.md')),
    openapi_sha256: sha256(join(ROOT, 'contracts/openapi.yaml')),
    target,
    seed: config.seed ?? null,
    started_at: startedAt.toISOString(),
    ended_at: endedAt.toISOString(),
    settings: {
      keys: { primary: given(config.keys.primary), alt: given(config.keys.alt), broke: given(config.keys.broke) },
      profile: config.profile,
      strict: opts.strict,
      only: opts.selection.only,
      skip: opts.selection.skip,
      videos: config.videos.map((c) => ({ ...c })),
      failing_video: config.failingVideo ?? null,
      log_source: config.logSource?.kind ?? null,
      job_timeout_s: config.jobTimeoutS,
      request_timeout_ms: config.requestTimeoutMs,
      max_duration_s: opts.maxDurationS,
      concurrency: config.concurrency,
      burst_max: config.burstMax,
      idempotency_probe_after_s: config.idempotencyProbeAfterS ?? 0,
      prompt_policy: config.promptPolicy,
      fuzz: config.fuzz ?? {},
      // The gates change the verdict: which baseline, and how many waivers (compliance.json `gates` lists them).
      baseline: opts.gates?.baseline?.file ?? null,
      waivers: opts.gates?.waivers.length ?? 0,
      ...(opts.shuffle !== undefined ? { shuffle: opts.shuffle } : {}),
      load: { allow_load: opts.load.allowLoad, thresholds: opts.load.thresholds ?? [], keys: opts.load.keys.length },
      ...(opts.target === undefined ? { mock: { faults: opts.mock.faults, variants: opts.mock.variants, transport: opts.mock.transport } } : {}),
    },
  };
}
