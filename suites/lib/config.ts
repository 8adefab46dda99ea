/**
 * What a certification run is told: the target, the keys, the media and the
 * limits. certify resolves it (flags > env > file) and hands it to the suites
 * with vitest's `provide`; the suites read it with `runConfig()`.
 */
import { inject } from 'vitest';

export interface Clip { label: string; url: string }

export type KeyRole = 'primary' | 'alt' | 'broke';

export interface RunConfig {
  /** Base URL, no trailing slash. */
  target: string;
  /** Set when jobcert certifies its own embedded mock. */
  embedded: { transport: 'http' | 'msw'; faults: string[]; variants: string[]; processingMs: number } | null;
  keys: { primary: string; alt?: string; broke?: string };
  videos: Clip[];
  failingVideo?: string;
  profile: 'quick' | 'full';
  /** fast-check seed of the fuzz checks; a run prints it so a failure can be replayed with --seed. */
  seed?: number;
  /** The FUZZ family's budget (--fuzz-runs, --fuzz-seconds; profile defaults otherwise) and a case to replay (--fuzz-path check:path). */
  fuzz?: { runs?: number; seconds?: number; path?: string };
  jobTimeoutS: number;
  requestTimeoutMs: number;
  /** Epoch ms after which no request goes out and no wait begins (--max-duration). */
  deadlineAt: number;
  /** How many checks run at once (they share each key's gate). */
  concurrency: number;
  /** Rate-limit discovery sends at most this many requests (--burst-max), and runs at most 15 s. */
  burstMax: number;
  /** VAL-3 is "the policy that requires a prompt"; a provider may be configured without it (--prompt-policy off). */
  promptPolicy: 'required' | 'off';
  /** OBS-4: a JSON-lines file, a command template with {request_id}, or the embedded mock's memory. */
  logSource?: { kind: 'file'; path: string } | { kind: 'command'; template: string } | { kind: 'memory' };
}

declare module 'vitest' {
  export interface ProvidedContext {
    jobcert: RunConfig;
  }
}

export function runConfig(): RunConfig {
  const config = inject('jobcert');
  if (!config) throw new Error('suites run only through `jobcert certify` (no run configuration was provided)');
  return config;
}

/** The environment variable a repro command uses for each key, so no key is ever written out. */
export const KEY_ENV: Record<KeyRole, string> = { primary: 'JOBCERT_API_KEY', alt: 'JOBCERT_ALT_API_KEY', broke: 'JOBCERT_BROKE_API_KEY' };
