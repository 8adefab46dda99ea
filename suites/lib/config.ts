/**
 * What a certification run is told: the target, the keys, the media and the
 * limits. certify resolves it (flags > env > file); the engine hands it to
 * every check in its context.
 */

export { KEY_ENV, type KeyRole } from '../../core/exchange.js';

export interface Clip { label: string; url: string }

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
  logSource?: { kind: 'file'; path: string } | { kind: 'command'; template: string } | { kind: 'memory'; lines: readonly string[] };
}

