/**
 * What keeps load where it belongs. A target gets load only when the user
 * allows it (--allow-load or allowLoad; implied for jobcert's own embedded
 * mock); a production host is refused whatever else is said; duration and
 * requests are capped; a run that meets too many 5xx or unanswered requests
 * stops early (the recorder applies that bound).
 */
import type { LoadCaps } from '../core/load-results.js';

export const DEFAULT_PRODUCTION_HOSTS: readonly string[] = ['api.removebgvideo.com'];

export const DEFAULT_CAPS: LoadCaps = { maxDurationS: 60, maxRequests: 200_000, abortAfterErrors: 100 };

export interface LoadGuards extends LoadCaps {
  allowLoad: boolean;
  productionHosts: readonly string[];
}

/** A refusal to load: exit 2 with this one line. */
export class LoadRefused extends Error {}

/** The hosts configured (flag, JOBCERT_PRODUCTION_HOSTS or the config file, as settings resolved them), or the default; compared case-blind. */
export function productionHosts(configured?: readonly string[]): string[] {
  return (configured ?? DEFAULT_PRODUCTION_HOSTS).map((h) => h.trim().toLowerCase()).filter(Boolean);
}

/** `api.example.com` matches that host (any port); `*.example.com` or `.example.com` any subdomain of it; `host:port` that port only. */
export function matchesHost(target: URL, entry: string): boolean {
  const hostname = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const host = target.host.toLowerCase();
  const e = entry.toLowerCase().replace(/^\[|\](?=:|$)/g, '');
  if (e.startsWith('*.') || e.startsWith('.')) {
    const suffix = e.slice(e.indexOf('.'));
    return hostname.endsWith(suffix) || hostname === suffix.slice(1);
  }
  return hostname === e || host === e;
}

export function durationOf(scenarios: number, warmupS: number, durationS: number): number {
  return scenarios * (warmupS + durationS);
}

/** Throws LoadRefused for a production host, whatever else is allowed (the k6 export checks this alone). */
export function refuseProduction(target: string, productionHosts: readonly string[]): void {
  const url = new URL(target);
  const hit = productionHosts.find((h) => matchesHost(url, h));
  if (hit) {
    throw new LoadRefused(`refusing to load ${url.host}: it is a production host (matches "${hit}" in productionHosts / JOBCERT_PRODUCTION_HOSTS); load only staging`);
  }
}

/** Throws LoadRefused when the run must not start. */
export function checkGuards(target: string, guards: LoadGuards, plan: { embedded: boolean; scenarios: number; warmupS: number; durationS: number }): void {
  refuseProduction(target, guards.productionHosts);
  const url = new URL(target);
  if (!plan.embedded && !guards.allowLoad) {
    throw new LoadRefused(`refusing to load ${url.origin} without permission: pass --allow-load (or "allowLoad": true in the config file) once you may send it load`);
  }
  const total = durationOf(plan.scenarios, plan.warmupS, plan.durationS);
  if (total > guards.maxDurationS) {
    throw new LoadRefused(`${plan.scenarios} scenario(s) × (${plan.warmupS} s warm-up + ${plan.durationS} s) = ${total} s is over the ${guards.maxDurationS} s cap; shorten --duration or raise --max-duration`);
  }
}
