/**
 * Starts one job per case, at most `limit` at once, and lets each test await
 * its own: certify runs spend most of their time waiting on rate limits, so a
 * table of them overlaps well even on two cores.
 */
export function runPool<C, R>(cases: readonly C[], limit: number, run: (c: C) => Promise<R>, opts: { alone?: (c: C) => boolean } = {}): { get(c: C): Promise<R> } {
  const results = new Map<C, Promise<R>>();
  let active = 0;
  const queue: (() => void)[] = [];
  const slot = (): Promise<void> => (active < limit ? (active++, Promise.resolve()) : new Promise<void>((resolve) => queue.push(() => { active++; resolve(); })));
  const release = (): void => { active--; queue.shift()?.(); };
  // A case that needs the CPU to itself (one that measures throughput) runs
  // first, one after another, before the pool starts the rest.
  const alone = cases.filter((c) => opts.alone?.(c));
  let solo: Promise<unknown> = Promise.resolve();
  for (const c of alone) {
    const r = solo.then(() => run(c));
    results.set(c, r);
    solo = r.catch(() => undefined);
  }
  for (const c of cases) if (!results.has(c)) results.set(c, solo.then(slot).then(() => run(c)).finally(release));
  return {
    get(c) {
      const r = results.get(c);
      if (!r) throw new Error('no run for this case');
      return r;
    },
  };
}
