/**
 * Starts one job per case, at most `limit` at once, and lets each test await
 * its own: certify runs spend most of their time waiting on rate limits, so a
 * table of them overlaps well even on two cores.
 */
export function runPool<C, R>(cases: readonly C[], limit: number, run: (c: C) => Promise<R>): { get(c: C): Promise<R> } {
  const results = new Map<C, Promise<R>>();
  let active = 0;
  const queue: (() => void)[] = [];
  const slot = (): Promise<void> => (active < limit ? (active++, Promise.resolve()) : new Promise<void>((resolve) => queue.push(() => { active++; resolve(); })));
  const release = (): void => { active--; queue.shift()?.(); };
  for (const c of cases) results.set(c, slot().then(() => run(c)).finally(release));
  return {
    get(c) {
      const r = results.get(c);
      if (!r) throw new Error('no run for this case');
      return r;
    },
  };
}
