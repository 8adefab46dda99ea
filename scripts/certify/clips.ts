/**
 * The clips of a run (--video-url, JOBCERT_VIDEO_URL, the config file's
 * videoUrl) and the facts declared of each: its duration (SPEC §1 bills it)
 * and its size (VAL-5 makes it an omitted canvas). A staging run knows nothing
 * of its media unless told; a fact left out leaves what needs it not judged.
 *
 * On the command line the facts sit in brackets between the label and the
 * URL: `short[duration=4,width=1280,height=720]=https://cdn.example/a.mp4`.
 * The URL is everything after the first `=` that follows the label (or its
 * `]`), taken verbatim, so a query holding `;`, `,` or `=` is never read as a
 * fact. In the config file a clip is a string of the same form or an object
 * `{"label", "url", "duration", "width", "height"}`.
 */
import { z } from 'zod';
import { NormalizedCanvas } from '../../contracts/schemas.js';
import type { Clip } from '../../suites/lib/config.js';
import { UsageError } from '../cli-errors.js';

export const FACT_NAMES = ['duration', 'width', 'height'] as const;
type FactName = (typeof FACT_NAMES)[number];
type Facts = Partial<Record<FactName, number>>;

/** The source's size becomes a stored canvas (VAL-5), so it must be one SPEC allows. */
const SIZE_BOUNDS = {
  width: { min: NormalizedCanvas.shape.width.minValue ?? 16, max: NormalizedCanvas.shape.width.maxValue ?? 7680 },
  height: { min: NormalizedCanvas.shape.height.minValue ?? 16, max: NormalizedCanvas.shape.height.maxValue ?? 4320 },
};

const LABEL = /^[A-Za-z][\w-]{0,31}$/;
const ENTRY = /^([A-Za-z][\w-]{0,31})(?:\[([^\]]*)\])?=(.+)$/s;
const OBJECT_MEMBERS = ['label', 'url', ...FACT_NAMES];

/** How a clip is written, in the words of every message about one. */
export const CLIP_SYNTAX = '[label=]URL or label[duration=SECONDS,width=PX,height=PX]=URL';

/** A clip as the config file may hold it; the JSON Schema editors see. */
export const ClipObjectSchema = z.strictObject({
  label: z.string().regex(LABEL).optional().describe('a name for the clip in the report: a letter, then up to 31 letters, digits, _ or -'),
  url: z.string().min(1).describe('an http or https URL of a video the provider can process'),
  duration: z.number().positive().optional().describe('its exact length in seconds (a fraction allowed): judges billed seconds and credits (SPEC §1 Usage)'),
  width: z.int().min(SIZE_BOUNDS.width.min).max(SIZE_BOUNDS.width.max).optional().describe('its width in pixels, with height: judges the canvas an omitted one becomes (VAL-5)'),
  height: z.int().min(SIZE_BOUNDS.height.min).max(SIZE_BOUNDS.height.max).optional().describe('its height in pixels, with width'),
});
const ClipEntrySchema = z.union([z.string().min(1), ClipObjectSchema]);
export const ClipsFileSchema = z.union([ClipEntrySchema, z.array(ClipEntrySchema)]);

export type ClipInput = string | z.infer<typeof ClipObjectSchema>;

type Bad = (why: string) => never;

function checkFacts(facts: Facts, bad: Bad): Facts {
  if (facts.duration !== undefined && !(Number.isFinite(facts.duration) && facts.duration > 0)) bad(`duration must be a positive number of seconds, got ${facts.duration}`);
  for (const side of ['width', 'height'] as const) {
    const v = facts[side];
    const { min, max } = SIZE_BOUNDS[side];
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max)) bad(`${side} must be a whole number of pixels from ${min} to ${max} (SPEC's canvas bounds), got ${v}`);
  }
  // VAL-5 judges the canvas as a whole: half a size judges nothing.
  if ((facts.width === undefined) !== (facts.height === undefined)) bad('width and height go together (the source video\'s size); give both or neither');
  return facts;
}

/** `duration=4,width=1280,height=720`, as the brackets of a clip hold them. */
function factsFrom(text: string, bad: Bad): Facts {
  const facts: Facts = {};
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*(\S*)\s*$/.exec(part);
    if (!m) bad(`expected facts as name=value separated by commas inside [...], got ${JSON.stringify(part)}`);
    const [, name, raw] = m as unknown as [string, string, string];
    if (!(FACT_NAMES as readonly string[]).includes(name)) bad(`unknown fact "${name}" (known: ${FACT_NAMES.join(', ')})`);
    if (name in facts) bad(`the fact "${name}" is given twice`);
    if (!/^\d+(\.\d+)?$/.test(raw)) bad(`${name} must be a number, got ${JSON.stringify(raw)}`);
    facts[name as FactName] = Number(raw);
  }
  return facts;
}

function urlChecked(url: string, bad: Bad): string {
  if (!/^https?:\/\/[^\s/]+/i.test(url) || !URL.canParse(url)) bad(`expected ${CLIP_SYNTAX} with an http or https URL (with its scheme)`);
  return url;
}

const defined = (facts: Facts): Facts => Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));

function fromString(v: string, fallbackLabel: string, bad: Bad): Clip {
  const m = ENTRY.exec(v);
  if (!m) {
    if (/^[A-Za-z][\w-]{0,31}\[/.test(v)) bad('facts in brackets end with "]=" and then the URL, e.g. short[duration=4]=https://cdn.example.com/a.mp4');
    return { label: fallbackLabel, url: urlChecked(v, bad) };
  }
  const [, label, facts, url] = m as unknown as [string, string, string | undefined, string];
  return { label, url: urlChecked(url, bad), ...checkFacts(facts === undefined ? {} : factsFrom(facts, bad), bad) };
}

function fromObject(v: Record<string, unknown>, fallbackLabel: string, bad: Bad): Clip {
  const unknown = Object.keys(v).find((k) => !OBJECT_MEMBERS.includes(k));
  if (unknown !== undefined) bad(`unknown member "${unknown}" of a clip (known: ${OBJECT_MEMBERS.join(', ')})`);
  if (typeof v.url !== 'string') bad('a clip object needs "url", an http or https URL');
  if (v.label !== undefined && (typeof v.label !== 'string' || !LABEL.test(v.label))) bad('"label" must be a letter, then up to 31 letters, digits, _ or -');
  for (const name of FACT_NAMES) if (v[name] !== undefined && typeof v[name] !== 'number') bad(`${name} must be a number, got ${JSON.stringify(v[name])}`);
  const facts = checkFacts(defined({ duration: v.duration as number | undefined, width: v.width as number | undefined, height: v.height as number | undefined }), bad);
  return { label: (v.label as string | undefined) ?? fallbackLabel, url: urlChecked(v.url as string, bad), ...facts };
}

/**
 * Every clip of a run, labelled, with its declared facts; `origin` names where
 * they came from (a flag, a variable, a config key) in a UsageError.
 */
export function parseClips(values: readonly unknown[], origin: string): Clip[] {
  const clips = values.map((v, i) => {
    const shown = typeof v === 'string' ? JSON.stringify(v).slice(0, 200) : `item ${i + 1}`;
    const bad: Bad = (why) => { throw new UsageError(`${origin} ${shown}: ${why}`); };
    const fallbackLabel = values.length === 1 ? 'default' : `clip${i + 1}`;
    if (typeof v === 'string') return fromString(v, fallbackLabel, bad);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return fromObject(v as Record<string, unknown>, fallbackLabel, bad);
    return bad(`expected ${CLIP_SYNTAX}, or an object {"label", "url", "duration", "width", "height"}`);
  });
  const labels = clips.map((c) => c.label);
  const dupe = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dupe) throw new UsageError(`${origin}: the label "${dupe}" is used twice`);
  return clips;
}
