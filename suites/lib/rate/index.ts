/**
 * Rate limits, by job: flood.ts (the adaptive burst over the keep-alive agent
 * transport), discovery.ts (RATE-1: the limit found, and the pacing derived
 * from it), episode.ts (the pressure episode: one flood, every throttled-state
 * probe), recovery.ts (RATE-3: wait Retry-After, back off with jitter) and
 * honesty.ts (RATE-3: Retry-After waited exactly as told is enough).
 * Importers prefer the module that owns a name; this one re-exports them all.
 */
export { flood, type FloodOptions, type FloodState } from './flood.js';
export { discover, rateDiscovery, type Discovery, type RateProfile } from './discovery.js';
export { isReplayOf, noDraft, pressureEpisode, throttledWritesAct, type Episode } from './episode.js';
export { recover } from './recovery.js';
export { askedOf, honestyRecord, ROUNDING_TOLERANCE_MS, waitAsTold, type Asked, type Honesty, type HonestyStep } from './honesty.js';
