// What a start is billed (SPEC §1 Usage): credits = ceil(rate × billed seconds / 60),
// billed seconds = min(preview_duration, the video's duration) rounded up. No rule
// of §2 states the formula, so the check cites none and gates as SCHEMA's do;
// how many charges a start makes is IDEM-5's (a wrong count is not judged here).
// It needs the clip's duration, which only the user can declare of a remote
// provider's media (suites/lib/clip-facts.ts).
import { CREDITS_PER_MINUTE, creditsFor, type Model } from '../contracts/policy.js';
import { createDraft, expectServed, readJob, settledCharges, start } from './lib/api.js';
import { broken, fail, suite } from './lib/check.js';
import { clipWithDuration, factsUnknown } from './lib/clip-facts.js';
import { mapLimit } from './lib/pool.js';

/**
 * A fraction, so rounding up shows (1.5 s bills 2 s, never 1); below any clip
 * longer than it, so the preview is what is billed.
 */
const PREVIEW_S = 1.5;

interface BilledStart { what: string; body: Record<string, unknown>; model: Model; preview?: number }

/** Two models, so the rate table is judged too, not only the seconds. */
const STARTS: readonly BilledStart[] = [
  { what: 'without preview_duration', body: { model: 'original' }, model: 'original' },
  { what: `with preview_duration ${PREVIEW_S}`, body: { model: 'light', preview_duration: PREVIEW_S }, model: 'light', preview: PREVIEW_S },
];

const TITLE = "credits_charged and the start's charge event equal SPEC §1's formula for the model and the clip's duration, with and without preview_duration";

function billedWrong(requires: string, observed: string): never {
  fail(`SPEC §1 Usage: ${requires}; ${observed}`, { requires: `SPEC §1 Usage: ${requires}`, observed });
}

export const BILLING = suite('LIFE', (check, config) => {
  const clip = clipWithDuration(config);
  if (!clip) {
    check('life.billing', [], TITLE, async () => {}, { skip: factsUnknown("billed seconds and credits depend on the clip's duration, which SPEC does not state of a provider's media", ['duration']) });
    return;
  }
  check('life.billing', [], TITLE, async ({ client }) => {
    const ids = await mapLimit(STARTS, 2, async (s) => {
      const id = await createDraft(client, config, { video_url: clip.url });
      expectServed(await start(client, id, s.body), `starting a draft of clip ${clip.label} ${s.what}`);
      return id;
    });
    for (const [i, s] of STARTS.entries()) {
      const id = ids[i] as string;
      // The charge may come when the run ends (contracts/choices.ts, charge-timing): settledCharges waits for that end.
      const charges = await settledCharges(client, id, config.jobTimeoutS);
      if (charges.length !== 1) broken('IDEM-5', `job ${id} (${s.what}) has ${charges.length} charge events for one start`);
      const job = await readJob(client, id);
      const seconds = Math.ceil(Math.min(s.preview ?? Number.POSITIVE_INFINITY, clip.duration));
      const want = creditsFor(s.model, clip.duration, s.preview);
      const requires = `a start of model ${s.model} (${CREDITS_PER_MINUTE[s.model]} credits per minute) ${s.what} on clip ${clip.label} (${clip.duration} s long, as the run was told) bills ${seconds} s, min(preview_duration, the video's duration) rounded up, so ceil(${CREDITS_PER_MINUTE[s.model]} × ${seconds} / 60) = ${want} credits, charged once`;
      if (charges[0]?.credits !== want) billedWrong(requires, `its charge event (job ${id}) carries ${JSON.stringify(charges[0]?.credits)} credits`);
      if (job.credits_charged !== want) billedWrong(requires, `job ${id} shows credits_charged ${JSON.stringify(job.credits_charged)}`);
    }
  }, { timeoutMs: (config.jobTimeoutS * 2 + 30) * 1000 });
});
