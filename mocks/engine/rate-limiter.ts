/** A token bucket per key (RATE-1): `capacity` tokens, refilled at `refillPerSecond`. */
import type { Clock } from './types.js';

export interface RateLimitConfig { capacity: number; refillPerSecond: number }

export interface RateDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until a token is available (≥ 1 when throttled). */
  retryAfterSeconds: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
}

interface Bucket { tokens: number; updatedAt: number; blockedUntil: number }

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: RateLimitConfig,
    private readonly clock: Clock,
    /** rate-no-recovery fault: every throttled request keeps the bucket empty this much longer. */
    private readonly stallMs = 0,
  ) {}

  take(bucketKey: string): RateDecision {
    const now = this.clock.now();
    const { capacity, refillPerSecond } = this.config;
    let bucket = this.buckets.get(bucketKey);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: now, blockedUntil: 0 };
      this.buckets.set(bucketKey, bucket);
    }
    if (now >= bucket.blockedUntil) {
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - Math.max(bucket.updatedAt, bucket.blockedUntil)) / 1000) * refillPerSecond);
    }
    bucket.updatedAt = now;
    const allowed = bucket.tokens >= 1 && now >= bucket.blockedUntil;
    if (allowed) bucket.tokens -= 1;
    else if (this.stallMs > 0) bucket.blockedUntil = now + this.stallMs;
    const missing = Math.max(0, 1 - bucket.tokens);
    return {
      allowed,
      remaining: Math.floor(bucket.tokens),
      retryAfterSeconds: Math.max(1, Math.ceil(missing / refillPerSecond)),
      resetSeconds: Math.ceil((capacity - bucket.tokens) / refillPerSecond),
    };
  }

  /** The RateLimit-Policy field value (IETF draft structured field). */
  policyHeader(): string {
    const windowSeconds = Math.max(1, Math.ceil(this.config.capacity / this.config.refillPerSecond));
    return `"default";q=${this.config.capacity};w=${windowSeconds}`;
  }
}
