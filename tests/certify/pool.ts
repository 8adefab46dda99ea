/**
 * Starts one job per case, at most `limit` at once, and lets each test await
 * its own: certify runs spend most of their time waiting on rate limits, so a
 * table of them overlaps well even on two cores.
 */
export function runPool<C, R>(cases: readonly C[], limit: number, run: (c: C) => Promise<R>, opts: { alone?: (c: C) => boolean } = {}): { get(c: C): Promise<R> } {
  let results: Map<C, Promise<R>> | undefined;
  // Nothing starts at import: a file whose tests are all filtered out (vitest -t) starts no run.
  const start = (): Map<C, Promise<R>> => {
    const started = new Map<C, Promise<R>>();
    let active = 0;
    const queue: (() => void)[] = [];
    const slot = (): Promise<void> => (active < limit ? (active++, Promise.resolve()) : new Promise<void>((resolve) => queue.push(() => { active++; resolve(); })));
    const release = (): void => { active--; queue.shift()?.(); };
    // A case that needs the CPU to itself (one that measures throughput) runs
    // first, one after another, before the pool starts the rest.
    let solo: Promise<unknown> = Promise.resolve();
    for (const c of cases.filter((x) => opts.alone?.(x))) {
      const r = solo.then(() => run(c));
      started.set(c, r);
      solo = r.catch(() => undefined);
    }
    for (const c of cases) if (!started.has(c)) started.set(c, solo.then(slot).then(() => run(c)).finally(release));
    return started;
  };
  return {
    get(c) {
      results ??= start();
      const r = results.get(c);
      if (!r) throw new Error('no run for this case');
      return r;
    },
  };
}
