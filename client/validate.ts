/**
 * CLI-11: bodies are checked against the contract before they leave, with the
 * contract's own zod schemas (SPEC §1) and policy (VAL-2/3/4), so a normal run
 * causes no 400 invalid_request. A start is checked against what the client
 * knows of its job (the create it sent); what it cannot know is left to the
 * provider.
 */
import { CreateJobRequest, StartJobRequest } from '../contracts/schemas.js';
import { DEFAULT_POLICY, resolveCreate, resolveStart, type CreateSettings, type PolicyOptions, type PolicyViolation } from '../contracts/policy.js';
import { RequestValidationError } from './errors.js';

export type KnownJob = Omit<CreateSettings, 'auto_start'>;

/** Source size only feeds composition defaults, which no policy rule reads. */
const ANY_SOURCE = { width: 1920, height: 1080 };

function schemaError(issues: readonly { path: readonly PropertyKey[]; message: string }[]): RequestValidationError {
  const issue = issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
  return new RequestValidationError(param, issue?.message ?? 'invalid body', 'VAL-1');
}

function policyError(v: PolicyViolation): RequestValidationError {
  return new RequestValidationError(v.param, v.message, v.rule);
}

/** Returns the settings the job will have (defaults filled in), or throws. */
export function validateCreate(body: unknown, policy: PolicyOptions = DEFAULT_POLICY): CreateSettings {
  const parsed = CreateJobRequest.safeParse(body);
  if (!parsed.success) throw schemaError(parsed.error.issues);
  const { settings, violation } = resolveCreate(parsed.data, policy);
  if (violation) throw policyError(violation);
  return settings;
}

/** Throws when the body breaks the schema, or a policy rule given what is known of the job. */
export function validateStart(body: unknown, known: KnownJob | undefined, policy: PolicyOptions = DEFAULT_POLICY): void {
  const parsed = StartJobRequest.safeParse(body);
  if (!parsed.success) throw schemaError(parsed.error.issues);
  const start = parsed.data;
  if (known) {
    const { violation } = resolveStart(known, start, ANY_SOURCE, policy);
    if (violation) throw policyError(violation);
    return;
  }
  // Unknown job: only what the body alone decides (VAL-2 with an explicit model).
  if (start.text_prompt !== undefined && start.model !== undefined && start.model !== 'pro') {
    throw new RequestValidationError('text_prompt', `text_prompt is only allowed with model pro, not ${start.model}`, 'VAL-2');
  }
}
