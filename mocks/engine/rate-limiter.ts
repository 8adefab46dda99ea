/**
 * Rate limits per key (RATE-1): a token bucket of `capacity` tokens refilled at
 * `refillPerSecond` (the default), a fixed window (`windowMs`), and an optional
 * hold after each throttled request (`holdMs`, told in Retry-After). The
 * variants choose among them; every choice keeps RATE-1..3.
 */
import type { Clock } from './types.js';

export interface RateLimitConfig {
  capacity: number;
  refillPerSecond: number;
  /** Fixed window instead of a bucket: `capacity` requests per window, counted from the window's start. */
  windowMs?: number;
  /** After a 429 the key stays throttled this long (restarted by each throttled request); Retry-After says so. */
  holdMs?: number;
  /**
   * A second limit layered on the first (RATE-1: "the number of limits layered
   * on each other … are the provider's"): `capacity` requests per fixed window.
   * A request must pass both; Retry-After names the later reset.
   */
  layer?: { capacity: number; windowMs: number };
}

export interface RateDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until a request is admitted again (≥ 1 when throttled). */
  retryAfterSeconds: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
}

interface Bucket { tokens: number; updatedAt: number; blockedUntil: number; windowStart: number; layerCount: number; layerStart: number }

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: RateLimitConfig,
    private readonly clock: Clock,
    /** rate-no-recovery fault: every throttled request keeps the bucket empty this much longer, though Retry-After says 1 s. */
    private readonly stallMs = 0,
    /**
     * rate-retry-after-short fault: every throttled request holds the key this long while tokens come back,
     * and Retry-After does not say so (it names only what the bucket needs): a client that waits as told
     * is throttled again, one that backs off past the hold recovers.
     */
    private readonly untoldHoldMs = 0,
  ) {}

  take(bucketKey: string): RateDecision {
    const now = this.clock.now();
    let bucket = this.buckets.get(bucketKey);
    if (!bucket) {
      bucket = { tokens: this.config.capacity, updatedAt: now, blockedUntil: 0, windowStart: now, layerCount: 0, layerStart: now };
      this.buckets.set(bucketKey, bucket);
    }
    const layer = this.config.layer;
    if (!layer) return this.config.windowMs ? this.takeWindow(bucket, now, this.config.windowMs) : this.takeBucket(bucket, now);
    if (now - bucket.layerStart >= layer.windowMs) {
      bucket.layerStart = now - ((now - bucket.layerStart) % layer.windowMs);
      bucket.layerCount = 0;
    }
    const layerReset = Math.max(1, Math.ceil((bucket.layerStart + layer.windowMs - now) / 1000));
    if (bucket.layerCount >= layer.capacity) {
      // Throttled by the outer layer: the inner one is not charged (a 429 has no effect), and the key may send again only when both allow.
      const inner = this.peek(bucket, now);
      return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(layerReset, inner), resetSeconds: layerReset };
    }
    const decision = this.config.windowMs ? this.takeWindow(bucket, now, this.config.windowMs) : this.takeBucket(bucket, now);
    if (decision.allowed) bucket.layerCount++;
    const left = layer.capacity - bucket.layerCount;
    return { ...decision, remaining: Math.min(decision.remaining, left) };
  }

  /** Seconds until the inner limit admits a request, without taking from it. */
  private peek(bucket: Bucket, now: number): number {
    const { capacity, refillPerSecond, windowMs } = this.config;
    if (windowMs) return bucket.tokens >= 1 || now - bucket.windowStart >= windowMs ? 0 : Math.ceil((bucket.windowStart + windowMs - now) / 1000);
    const tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * refillPerSecond);
    return tokens >= 1 && now >= bucket.blockedUntil ? 0 : Math.max(Math.ceil((bucket.blockedUntil - now) / 1000), Math.ceil((1 - tokens) / refillPerSecond));
  }

  private takeBucket(bucket: Bucket, now: number): RateDecision {
    const { capacity, refillPerSecond, holdMs } = this.config;
    // A stall (the rate-no-recovery fault) keeps the bucket empty; an honest hold only keeps the key waiting while tokens come back.
    const refillFrom = this.stallMs > 0 ? Math.max(bucket.updatedAt, bucket.blockedUntil) : bucket.updatedAt;
    if (now >= bucket.blockedUntil) bucket.tokens = Math.min(capacity, bucket.tokens + ((now - refillFrom) / 1000) * refillPerSecond);
    bucket.updatedAt = now;
    const allowed = bucket.tokens >= 1 && now >= bucket.blockedUntil;
    if (allowed) bucket.tokens -= 1;
    else if (this.stallMs > 0) bucket.blockedUntil = now + this.stallMs;
    else if (holdMs) bucket.blockedUntil = now + holdMs;
    else if (this.untoldHoldMs > 0) bucket.blockedUntil = now + this.untoldHoldMs;
    const missing = Math.max(0, 1 - bucket.tokens);
    const held = !allowed && holdMs ? Math.ceil((bucket.blockedUntil - now) / 1000) : 0;
    return {
      allowed,
      remaining: Math.floor(bucket.tokens),
      retryAfterSeconds: Math.max(1, held, Math.ceil(missing / refillPerSecond)),
      resetSeconds: Math.ceil((capacity - bucket.tokens) / refillPerSecond),
    };
  }

  private takeWindow(bucket: Bucket, now: number, windowMs: number): RateDecision {
    if (now - bucket.windowStart >= windowMs) {
      bucket.windowStart = now - ((now - bucket.windowStart) % windowMs);
      bucket.tokens = this.config.capacity;
    }
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const untilNext = Math.max(1, Math.ceil((bucket.windowStart + windowMs - now) / 1000));
    return { allowed, remaining: Math.floor(bucket.tokens), retryAfterSeconds: untilNext, resetSeconds: untilNext };
  }

  /** The RateLimit-Policy field value (IETF draft structured field). */
  policyHeader(): string {
    const windowSeconds = this.config.windowMs ? Math.ceil(this.config.windowMs / 1000) : Math.max(1, Math.ceil(this.config.capacity / this.config.refillPerSecond));
    const layer = this.config.layer ? `, "layer";q=${this.config.layer.capacity};w=${Math.ceil(this.config.layer.windowMs / 1000)}` : '';
    return `"default";q=${this.config.capacity};w=${windowSeconds}${layer}`;
  }
}
