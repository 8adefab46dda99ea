/**
 * What a conformant provider answers to a body, predicted from the contract
 * itself: the schema of openapi.yaml (ajv, every error) and the policy module.
 * A body the schema rejects is 400 invalid_request naming one of the fields at
 * fault (VAL-1); one the policy rejects gets the violated rule's status and
 * code (VAL-2, VAL-3, VAL-4); anything else is accepted.
 */
import type { ErrorObject } from 'ajv';
import { validatorFor } from '../ajv.js';
import { DEFAULT_POLICY, policyReadings, resolveCreate, resolveStart, type PolicyOptions } from '../policy.js';
import type { CreateJobRequest, ErrorCode, StartJobRequest } from '../schemas.js';
import { SCHEMA_OF, type BodyKind } from './shape.js';
import type { jobOf } from './valid.js';

export interface Expected {
  status: number;
  code?: ErrorCode;
  /** The rule that promises this outcome. */
  rule: string;
  /** VAL-1: `error.param` must name one of these (dotted); absent when the rule does not ask for a param. */
  params?: string[];
  /** Why, in words. */
  why: string;
  /**
   * Other outcomes SPEC allows as well (a choice it leaves to the provider,
   * contracts/choices.ts): a reply matching any of them is as conformant as one
   * matching this.
   */
  alternatives?: Expected[];
  /** The choice (a row of contracts/choices.ts) that allows this outcome, on an alternative. */
  choice?: string;
}

/** Every outcome `expected` allows, the main one first. */
export const outcomesOf = (expected: Expected): Expected[] => [expected, ...(expected.alternatives ?? [])];

const sameOutcome = (a: Expected, b: Expected): boolean =>
  a.status === b.status && a.code === b.code && a.rule === b.rule && JSON.stringify(a.params ?? null) === JSON.stringify(b.params ?? null);

/** The first prediction with the others that differ from it as its alternatives. */
function union(predictions: readonly Expected[]): Expected {
  const [main, ...rest] = predictions as [Expected, ...Expected[]];
  const alternatives: Expected[] = [];
  for (const p of rest) if (!sameOutcome(p, main) && !alternatives.some((a) => sameOutcome(a, p))) alternatives.push(p);
  return alternatives.length ? { ...main, alternatives } : main;
}

/** VAL-3 under some reading: a pro body without a non-blank prompt has its `text_prompt` at fault. */
function promptAtFault(body: unknown, policy: PolicyOptions): boolean {
  if (!policy.requirePromptForPro || body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  return b.model === 'pro' && (b.text_prompt === undefined || (typeof b.text_prompt === 'string' && b.text_prompt.trim() === ''));
}

/** Where an ajv error points, dotted, with the member it is about (an unknown or a missing one). */
function location(e: ErrorObject): string {
  const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') segments.push((e.params as { additionalProperty: string }).additionalProperty);
  if (e.keyword === 'required') segments.push((e.params as { missingProperty: string }).missingProperty);
  return segments.join('.');
}

const depth = (dotted: string): number => dotted.split('.').length;

const SOURCE_SIZE_ANY = { width: 1920, height: 1080 };

function schemaVerdict(kind: BodyKind, body: unknown): Expected | undefined {
  const validate = validatorFor(SCHEMA_OF[kind], 'all');
  if (validate(body)) return undefined;
  const located = (validate.errors ?? []).map((error) => ({ error, at: location(error) }));
  const params = [...new Set(located.map((l) => l.at))].filter((p) => p.length > 0);
  // The deepest error says it best: a bad member inside a oneOf branch rather than the union as a whole (the first of the deepest, as a stable sort gives).
  let first: (typeof located)[number] | undefined;
  for (const l of located) if (!first || depth(l.at) > depth(first.at)) first = l;
  const why = first ? `${first.at || 'the body'} ${first.error.message ?? 'is invalid'}` : 'the body is invalid';
  return { status: 400, code: 'invalid_request', rule: 'VAL-1', ...(params.length ? { params } : {}), why };
}

export function expectCreate(body: unknown, policy: PolicyOptions = DEFAULT_POLICY): Expected {
  const invalid = schemaVerdict('create', body);
  if (invalid) {
    // SPEC does not order the checks: a provider may name the prompt VAL-3 finds missing instead of the schema's field.
    if (!promptAtFault(body, policy) || invalid.params?.includes('text_prompt')) return invalid;
    return { ...invalid, params: [...(invalid.params ?? []), 'text_prompt'] };
  }
  return union(policyReadings(policy).map((reading, i): Expected => {
    const { violation } = resolveCreate(body as CreateJobRequest, reading);
    const choice = i > 0 && reading.proDraftWithoutPrompt === 'reject' ? { choice: 'VAL-3 pro draft without a prompt' } : {};
    if (violation) return { status: violation.status, code: violation.code, rule: violation.rule, why: violation.message, ...choice };
    return { status: 200, rule: 'VAL-1', why: 'a valid create body', ...choice };
  }));
}

export function expectStart(body: unknown, job: ReturnType<typeof jobOf>, policy: PolicyOptions = DEFAULT_POLICY): Expected {
  const invalid = schemaVerdict('start', body);
  if (invalid) return invalid;
  const { violation } = resolveStart(job, body as StartJobRequest, SOURCE_SIZE_ANY, policy);
  if (violation) return { status: violation.status, code: violation.code, rule: violation.rule, why: violation.message };
  return { status: 200, rule: 'VAL-1', why: 'a valid start body for this job' };
}
