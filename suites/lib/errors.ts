/**
 * How a check can end, and who is to blame. A check `fail`s only when a rule it
 * cites is broken; when something else went wrong (another rule it relied on,
 * the transport, a stuck key, the clock), it ends as `error` with the reason, so
 * one broken rule never blames another family.
 */

/** What a failure found, in the rule's words: the reports show it beside the exchanges. */
export interface Finding {
  /** The rule broken, when the failure names one of the check's rules. */
  rule?: string;
  /** What SPEC requires, as a sentence. */
  requires: string;
  /** What came back instead. */
  observed: string;
}

/** A cited rule is broken: the check fails. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
  constructor(message: string, readonly finding?: Finding) {
    super(message);
  }
}

export function fail(message: string, finding?: Finding): never {
  throw new CheckFailure(message, finding);
}

/**
 * A rule the check relied on did not hold. The check that cites `rule` fails
 * with it; any other check could not be judged and ends as `error`.
 */
export class RuleBroken extends Error {
  override name = 'RuleBroken';
  constructor(readonly rule: string, message: string) {
    super(message);
  }
}

export function broken(rule: string, message: string): never {
  throw new RuleBroken(rule, message);
}

/** A check could not be judged because something it relied on broke (see RuleBroken). */
export class NotJudged extends Error {
  override name = 'NotJudged';
}

/** The key a check needs is proven stuck (RATE-3): the check ends at once instead of waiting. */
export class Blocked extends Error {
  override name = 'Blocked';
}

/** The run deadline (--max-duration) or the check's own time budget passed. */
export class OutOfTime extends Error {
  override name = 'OutOfTime';
}

/** The target did not answer at all (refused, reset, timed out, broken HTTP). */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(message: string, readonly kind: 'refused' | 'reset' | 'timeout' | 'protocol' | 'other' = 'other') {
    super(message);
  }
}

/**
 * Why an answer of the contract's operations cannot be read, and whom that
 * blames: ERR-1 (an error that is not the JSON envelope), SCHEMA (a redirect,
 * or a 2xx body that is not a JSON object: statuses and bodies the contract
 * does not allow), or no rule at all (a body over the size jobcert reads).
 */
export interface Unusable { blame: 'ERR-1' | 'SCHEMA' | undefined; why: string }

/**
 * The error a check meets when it reads an unusable answer: the blamed rule
 * broken (the check citing it fails, any other is not judged), or not judged
 * when no rule is to blame. Never the rule the check was reading it for.
 */
export function unusableAnswer(u: Unusable): Error {
  if (u.blame === undefined) return new NotJudged(`not judged: ${u.why}`);
  return new RuleBroken(u.blame, `${u.blame}: ${u.why}`);
}
