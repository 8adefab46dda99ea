/**
 * The scenario plan: which sources the client gets and which of its requests
 * receive which injection, a pure function of (seed, profile, selection), so a
 * run replays with `--seed`. Injections are keyed by the client's own sequence
 * (the nth create, start, read or download of a source), not by time.
 */
import { CONDITION_NAMES, CONDITIONS, type Action, type ConditionName, type Op, type Processing } from './conditions.js';
import { rng } from '../mocks/engine/seeded.js';

export type Profile = 'quick' | 'full';

/** One injection point: the nth request of `op` about a source ('every': all of them). */
export interface Slot { op: Op; nth: number | 'every'; action: Action }

/** One occurrence of a condition in the plan; its id (`c3`) is what verdicts cite. */
export interface Instance { id: string; condition: ConditionName; source: string; slots: Slot[] }

export interface PlannedSource {
  name: string;
  /** Path of the source URL on the mock's origin (the client never needs to fetch it; loopback if it does). */
  path: string;
  durationS: number;
  processing: Processing;
  instances: string[];
}

export interface Plan {
  seed: number;
  profile: Profile;
  conditions: ConditionName[];
  sources: PlannedSource[];
  instances: Instance[];
  /** Credits of the onboarding account: every normal job fits, the too-expensive source does not. */
  balance: number;
}

export interface PlanOptions {
  seed: number;
  profile: Profile;
  /** `--scenarios`: only these conditions (default: the profile's). */
  only?: readonly ConditionName[];
  /** How long the slow response is held (ms). */
  holdMs: number;
}


const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
function shuffle<T>(r: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** The 10 h source costs ≥ 27,000 credits at any model's rate; every other job costs at most 60. */
export const ACCOUNT_BALANCE = 10_000;
const TOO_EXPENSIVE_S = 36_000;

/** Where a carrier condition lands, with the seed's choices (operation, Retry-After, status). */
function carrierSlots(condition: ConditionName, r: () => number, holdMs: number): Slot[] {
  const ra = (): number => pick(r, [4, 5]);
  switch (condition) {
    case 'retry-after-seconds': return [{ op: pick(r, ['create', 'start'] as const), nth: 1, action: { kind: 'throttle', form: 'seconds', seconds: ra() } }];
    case 'retry-after-date': return [{ op: 'poll', nth: 1, action: { kind: 'throttle', form: 'date', seconds: 4 } }];
    case 'http-500': return [{ op: pick(r, ['create', 'start'] as const), nth: 1, action: { kind: 'error', status: 500 } }];
    // Three in a row: a chain of three retries with no Retry-After is where CLI-3's growth shows.
    case 'http-503': return [1, 2, 3].map((nth) => ({ op: 'poll' as const, nth, action: { kind: 'error' as const, status: 503 as const } }));
    case 'drop-before': return [{ op: pick(r, ['create', 'start', 'poll'] as const), nth: 1, action: { kind: 'drop-before' } }];
    case 'drop-after-start': return [{ op: 'start', nth: 1, action: { kind: 'drop-after' } }];
    case 'drop-after-create': return [{ op: 'create', nth: 1, action: { kind: 'drop-after' } }];
    case 'slow-response': return [{ op: pick(r, ['create', 'start', 'poll'] as const), nth: 1, action: { kind: 'slow', holdMs } }];
    case 'redirect-output': return [{ op: 'download', nth: 'every', action: { kind: 'redirect' } }];
    case 'early-output-url': return [{ op: 'start', nth: 'every', action: { kind: 'early-output-url' } }];
    case 'burst-429': {
      const op = pick(r, ['create', 'start'] as const);
      return [
        { op, nth: 1, action: { kind: 'throttle', form: 'seconds', seconds: 4 } },
        { op, nth: 2, action: { kind: 'throttle', form: 'date', seconds: 4 } },
        { op, nth: 3, action: { kind: 'throttle', form: 'seconds', seconds: 4 } },
      ];
    }
    case 'burst-5xx': return [
      { op: 'poll', nth: 1, action: { kind: 'error', status: 500 } },
      { op: 'poll', nth: 2, action: { kind: 'error', status: 503 } },
      { op: 'poll', nth: 3, action: { kind: 'error', status: 503 } },
    ];
    case 'throttled-then-lost': return [
      { op: 'start', nth: 1, action: { kind: 'throttle', form: 'seconds', seconds: 4 } },
      { op: 'start', nth: 2, action: { kind: 'drop-after' } },
    ];
    default: throw new Error(`${condition} has a dedicated source`);
  }
}

function dedicatedSlots(condition: ConditionName): Slot[] {
  if (condition === 'revoked-key') return [{ op: 'start', nth: 1, action: { kind: 'revoke' } }];
  if (condition === 'bad-request') return [{ op: 'start', nth: 1, action: { kind: 'error', status: 400 } }];
  return [];
}

/**
 * Two numbered slots of one op on one source would fight. Conditions on a
 * create or start never share a source with conditions further down the job
 * (reads, the download, the start's answer): a client that mishandles the
 * first and abandons the job still meets the others on their own sources.
 */
const early = (s: Slot): boolean => s.nth !== 'every' && (s.op === 'create' || s.op === 'start');
function fits(taken: Slot[], slots: Slot[]): boolean {
  return slots.every((s) => !taken.some((t) => (t.op === s.op && t.nth === s.nth) || early(t) !== early(s)));
}

export function buildPlan(opts: PlanOptions): Plan {
  const r = rng(opts.seed);
  const token = Math.floor(r() * 0xffffff).toString(16).padStart(6, '0');
  const conditions = opts.only ? [...new Set(opts.only)] : CONDITION_NAMES.filter((c) => CONDITIONS[c].profiles.includes(opts.profile));
  const repeats = opts.profile === 'full' ? 2 : 1;
  const wanted = shuffle(r, conditions.flatMap((c) => Array.from({ length: CONDITIONS[c].profiles.includes('quick') ? repeats : 1 }, () => c)));

  interface Draft { processing: Processing; durationS: number; slots: Slot[]; instances: { condition: ConditionName; slots: Slot[] }[]; last?: number }
  const carriers: Draft[] = [];
  const dedicated: Draft[] = [];
  const carrierCount = wanted.filter((c) => 'carrier' in CONDITIONS[c].placement).length;
  for (let i = 0; i < Math.max(opts.profile === 'full' ? 3 : 1, Math.ceil(carrierCount / 3)); i++) carriers.push({ processing: 'normal', durationS: 5 + Math.floor(r() * 16), slots: [], instances: [] });

  for (const condition of wanted) {
    const placement = CONDITIONS[condition].placement;
    if ('dedicated' in placement) {
      const slots = dedicatedSlots(condition);
      const durationS = placement.dedicated === 'too-expensive' ? TOO_EXPENSIVE_S : 10;
      // Sources that end a client's work on them go last: a client that stops everything after them has done the rest.
      const last = condition === 'revoked-key' ? 2 : condition === 'never-finishes' ? 1 : 0;
      dedicated.push({ processing: placement.dedicated, durationS, slots, instances: [{ condition, slots }], last });
      continue;
    }
    const slots = carrierSlots(condition, r, opts.holdMs);
    const free = carriers.filter((c) => fits(c.slots, slots));
    let carrier = free.length > 0 ? pick(r, free) : undefined;
    if (!carrier) {
      carrier = { processing: 'normal', durationS: 5 + Math.floor(r() * 16), slots: [], instances: [] };
      carriers.push(carrier);
    }
    carrier.slots.push(...slots);
    carrier.instances.push({ condition, slots });
  }

  const drafts = [...shuffle(r, carriers.filter((c) => c.instances.length > 0 || opts.profile === 'full')), ...shuffle(r, dedicated).sort((a, b) => (a.last ?? 0) - (b.last ?? 0))];
  const sources: PlannedSource[] = [];
  const instances: Instance[] = [];
  drafts.forEach((d, i) => {
    const name = `clip-${i + 1}-${d.processing === 'fails' ? 'fail-' : ''}${token}`;
    const ids: string[] = [];
    for (const inst of d.instances) {
      const id = `c${instances.length + 1}`;
      instances.push({ id, condition: inst.condition, source: name, slots: inst.slots });
      ids.push(id);
    }
    sources.push({ name, path: `/media/${name}.mp4`, durationS: d.durationS, processing: d.processing, instances: ids });
  });
  return { seed: opts.seed, profile: opts.profile, conditions, sources, instances, balance: ACCOUNT_BALANCE };
}

/** The source URLs handed to the client (SPEC §3: `duration=N` sets the length, `fail` in the path fails it). */
export function sourceUrl(baseUrl: string, s: PlannedSource): string {
  return `${baseUrl}${s.path}?duration=${s.durationS}`;
}
