/**
 * What a run knows of its media (config.ts Clip): a check that needs a fact
 * takes a clip that has it, or says it is not judged and which input would
 * judge it. SPEC states the mock's media convention (§3), never a remote
 * provider's media, so nothing here guesses a fact.
 */
import type { Clip, RunConfig } from './config.js';

export type TimedClip = Clip & { duration: number };
export type SizedClip = Clip & { width: number; height: number };

/** The clip of known duration that costs least to process: the shortest. */
export function clipWithDuration(config: RunConfig): TimedClip | undefined {
  const timed = config.videos.filter((c): c is TimedClip => c.duration !== undefined);
  return timed.reduce<TimedClip | undefined>((best, c) => (best === undefined || c.duration < best.duration ? c : best), undefined);
}

export function clipWithSize(config: RunConfig): SizedClip | undefined {
  return config.videos.find((c): c is SizedClip => c.width !== undefined && c.height !== undefined);
}

/** The not-judged sentence for `what`, naming the --video-url facts (and the config member) that would judge it. */
export function factsUnknown(what: string, facts: readonly ('duration' | 'width' | 'height')[]): string {
  const syntax = facts.map((f) => `${f}=${f === 'duration' ? 'SECONDS' : 'PX'}`).join(',');
  return `not judged: clip facts unknown: ${what}; give --video-url 'label[${syntax}]=URL' (or ${facts.map((f) => `"${f}"`).join(', ')} in a clip object of the config file's videoUrl) to judge it`;
}
