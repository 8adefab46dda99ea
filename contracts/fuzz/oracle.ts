/**
 * What a conformant provider answers to a body, predicted from the contract
 * itself: the schema of openapi.yaml (ajv, every error) and the policy module.
 * A body the schema rejects is 400 invalid_request naming one of the fields at
 * fault (VAL-1); one the policy rejects gets the violated rule's status and
 * code (VAL-2, VAL-3, VAL-4); anything else is accepted.
 */
import type { ErrorObject } from 'ajv';
import { validatorFor } from '../ajv.js';
import { DEFAULT_POLICY, resolveCreate, resolveStart, type PolicyOptions } from '../policy.js';
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
  if (invalid) return invalid;
  const { violation } = resolveCreate(body as CreateJobRequest, policy);
  if (violation) return { status: violation.status, code: violation.code, rule: violation.rule, why: violation.message };
  return { status: 200, rule: 'VAL-1', why: 'a valid create body' };
}

export function expectStart(body: unknown, job: ReturnType<typeof jobOf>, policy: PolicyOptions = DEFAULT_POLICY): Expected {
  const invalid = schemaVerdict('start', body);
  if (invalid) return invalid;
  const { violation } = resolveStart(job, body as StartJobRequest, SOURCE_SIZE_ANY, policy);
  if (violation) return { status: violation.status, code: violation.code, rule: violation.rule, why: violation.message };
  return { status: 200, rule: 'VAL-1', why: 'a valid start body for this job' };
}
