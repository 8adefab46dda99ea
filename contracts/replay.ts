/**
 * What IDEM-1 promises of a replay, in one place: "replays the first
 * response's status and body … A replay is a response of its own: it has its
 * own X-Request-Id (OBS-1), and a replayed error body carries that new id as
 * its request_id (OBS-2); every other member is the first response's."
 * The mock, the FUZZ model, the metamorphic replay property and the IDEM suite
 * all judge a replay with it, so none of them compares a request id byte for byte.
 */

export interface Answer {
  status: number;
  /** The parsed body (undefined when it was not JSON). */
  json: unknown;
  /** The response's own X-Request-Id. */
  requestId: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The body with an error's request_id taken out: the one member a replay does not share with its original. */
export function withoutErrorRequestId(json: unknown): unknown {
  if (!isObject(json) || !isObject(json.error)) return json;
  const { request_id: _ignored, ...error } = json.error;
  return { ...json, error };
}

/** Key-order-free JSON, so a provider that serializes members in another order still replays "the same body". */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * Why `replay` is not a faithful replay of `original` under IDEM-1 (and
 * OBS-2 for the replayed error's id), or undefined when it is. The
 * Idempotent-Replayed header is the caller's to check.
 */
export function replayMismatch(original: Answer, replay: Answer): { rule: 'IDEM-1' | 'OBS-2'; message: string } | undefined {
  if (replay.status !== original.status) return { rule: 'IDEM-1', message: `the replay answered ${replay.status}, the original ${original.status}` };
  if (canonicalJson(withoutErrorRequestId(replay.json)) !== canonicalJson(withoutErrorRequestId(original.json))) {
    return { rule: 'IDEM-1', message: `the replay's body ${short(replay.json)} differs from the original's ${short(original.json)} (only error.request_id may differ)` };
  }
  if (isObject(replay.json) && isObject(replay.json.error) && replay.json.error.request_id !== replay.requestId) {
    return { rule: 'OBS-2', message: `the replayed error's request_id ${JSON.stringify(replay.json.error.request_id)} is not the replay's own X-Request-Id ${JSON.stringify(replay.requestId)}` };
  }
  return undefined;
}

const short = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};
