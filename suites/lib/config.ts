/**
 * What a certification run is told: the target, the keys, the media and the
 * limits. certify resolves it (flags > env > file); the engine hands it to
 * every check in its context.
 */

export { KEY_ENV, type KeyRole } from '../../core/exchange.js';

/**
 * A clip and the facts the run knows of it: SPEC §1 bills its duration, VAL-5
 * fills an omitted canvas with its size. A remote target's facts are what the
 * user declares (--video-url label[duration=…,width=…,height=…]=URL); the
 * embedded mock's follow its media convention (SPEC §3). A fact left unknown
 * leaves what depends on it not judged.
 */
export interface Clip {
  label: string;
  url: string;
  /** Seconds, as exact as known (a fraction allowed): billing rounds it up. */
  duration?: number;
  /** The source video's size in pixels; declared together. */
  width?: number;
  height?: number;
}

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
  /**
   * IDEM-1 keeps a key 24 h: the run's keyed requests are replayed at its end, no sooner than this many seconds
   * after their first answer (--idempotency-probe-after; default 0 quick, 120 full), within the deadline.
   */
  idempotencyProbeAfterS?: number;
  /** VAL-3 is "the policy that requires a prompt"; a provider may be configured without it (--prompt-policy off). */
  promptPolicy: 'required' | 'off';
  /** AUTH-2: against a remote target, a key also goes in a URL and a cookie, which access logs keep (--probe-credentials-in-url; loopback always). */
  probeCredentialsInUrl?: boolean;
  /** OBS-4: a JSON-lines file, a command template with {request_id}, or the embedded mock's memory. */
  logSource?: { kind: 'file'; path: string } | { kind: 'command'; template: string } | { kind: 'memory'; lines: readonly string[] };
}

