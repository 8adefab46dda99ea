/**
 * Turns the verifier's JSON (one entry per interaction, mismatches for the
 * failed ones) and what the session recorded into CheckResults of the PACT
 * family: `pact.<interaction-slug>`, citing the rule IDs written into each
 * interaction, with the exchange as evidence.
 */
import { requestIdsOf } from '../core/exchange.js';
import { checkResult, reproFor, type CheckResult, type Status } from '../core/results.js';
import { RULES_COMMENT, slug } from './contract.js';
import type { InteractionRecord } from './session.js';

export interface PactInteraction {
  description: string;
  providerStates?: { name: string }[];
  comments?: { text?: string[] };
}
export interface PactDocument { consumer: { name: string }; provider: { name: string }; interactions: PactInteraction[] }

export interface VerifierJson {
  result?: boolean;
  interactionResults?: { description: string; duration?: string; result: string }[];
  errors?: { interaction: string; mismatch?: { type?: string; message?: string; mismatches?: { mismatch?: string; path?: string; key?: string; type?: string }[] } }[];
  output?: string[];
}

/** "1s 205ms", "55ms", "2m 3s" → ms. */
export function parseDuration(text: string | undefined): number {
  if (!text) return 0;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m)\b/g)) ms += Number(n) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000);
  return Math.round(ms);
}

/** The rule IDs an interaction's comment cites (written by the consumer test). */
export function rulesOf(interaction: PactInteraction | undefined): string[] {
  for (const line of interaction?.comments?.text ?? []) {
    const m = RULES_COMMENT.exec(line);
    if (m?.[1]) return m[1].split(/\s+/).filter(Boolean);
  }
  return [];
}

function mismatchText(error: NonNullable<VerifierJson['errors']>[number] | undefined): string {
  if (!error?.mismatch) return 'the verifier reported a failure without detail';
  const list = error.mismatch.mismatches ?? [];
  if (list.length === 0) return error.mismatch.message ?? error.mismatch.type ?? 'failed';
  return list.map((m) => `${m.path ? `${m.path}: ` : m.key ? `header ${m.key}: ` : ''}${m.mismatch ?? m.type ?? 'mismatch'}`).join('; ');
}

export function toCheckResults(json: VerifierJson, pacts: PactDocument[], session: InteractionRecord[]): CheckResult[] {
  const byDescription = new Map(pacts.flatMap((p) => p.interactions.map((i) => [i.description, i] as const)));
  const results = json.interactionResults ?? [];
  return results.map((r, index): CheckResult => {
    const interaction = byDescription.get(r.description);
    const record = session[index];
    const rules = rulesOf(interaction);
    const state = interaction?.providerStates?.map((s) => s.name).join(', ') || record?.states.filter(Boolean).join(', ') || '';
    const error = (json.errors ?? []).find((e) => e.interaction.endsWith(` - ${r.description}`));
    let status: Status;
    let message: string;
    if (record?.skipped) { status = 'skip'; message = `provider state "${state}" ${record.skipped}`; }
    else if (record?.stateError) { status = 'error'; message = `provider state "${state}" could not be set up through the public API: ${record.stateError}`; }
    else if (r.result === 'OK') { status = 'pass'; message = `the provider answers as the consumer's pact expects${state ? ` (given ${state})` : ''}`; }
    else { status = 'fail'; message = mismatchText(error); }
    const evidence = record?.exchanges ?? [];
    const why = interaction?.comments?.text?.find((t) => t.startsWith('the client relies on: '));
    return checkResult({
      id: `pact.${slug(r.description)}`, rules, title: r.description, status, message,
      duration_ms: parseDuration(r.duration), requests: evidence.length, evidence, request_ids: requestIdsOf(evidence),
      repro: reproFor(evidence, status), notes: [...(state ? [`given: ${state}`] : []), ...(why ? [why] : []), ...(record?.notes ?? [])],
    });
  });
}
