/**
 * The client's log: what it wrote to stdout and stderr (or a file given with
 * --client-log), as numbered lines with their time when known. The grader
 * asks it whether ids and codes appear together; "together" means on one line
 * or within a few lines of each other on the same stream, so a log entry that
 * spans several lines (pretty-printed JSON, a stack of context) still counts.
 */
import { readFile } from 'node:fs/promises';

export interface LogLine {
  /** 1-based across the whole log. */
  n: number;
  stream: 'stdout' | 'stderr' | 'file';
  /** Epoch ms when jobcert read it; absent for a log file. */
  t?: number;
  text: string;
}

export const LINE_CHARS = 4096;
/** How far apart (in lines of one stream) two parts of one log entry may be. */
export const ENTRY_WINDOW = 3;

export class ClientLog {
  constructor(readonly lines: LogLine[], readonly truncated: boolean, readonly given: boolean) {}

  static none(): ClientLog { return new ClientLog([], false, false); }

  /**
   * The first place where every needle appears within one entry window, at or
   * after `after` (epoch ms) when lines carry times; undefined if none.
   */
  findTogether(needles: (string | RegExp)[], after?: number): LogLine[] | undefined {
    const byStream = new Map<string, LogLine[]>();
    for (const l of this.lines) {
      if (after !== undefined && l.t !== undefined && l.t < after) continue;
      let list = byStream.get(l.stream);
      if (!list) byStream.set(l.stream, (list = []));
      list.push(l);
    }
    const has = (l: LogLine, needle: string | RegExp): boolean => (typeof needle === 'string' ? l.text.includes(needle) : needle.test(l.text));
    for (const list of byStream.values()) {
      for (let i = 0; i < list.length; i++) {
        const line = list[i] as LogLine;
        if (!needles.some((nd) => has(line, nd))) continue;
        const window = list.slice(Math.max(0, i - ENTRY_WINDOW), i + ENTRY_WINDOW + 1);
        const hits = needles.map((nd) => window.find((l) => has(l, nd)));
        if (hits.every((h) => h !== undefined)) return [...new Set(hits as LogLine[])].sort((a, b) => a.n - b.n);
      }
    }
    return undefined;
  }

  /** Any line containing one of the needles (after `after` when times are known). */
  findAny(needles: (string | RegExp)[], after?: number): LogLine | undefined {
    return this.lines.find((l) => (after === undefined || l.t === undefined || l.t >= after)
      && needles.some((nd) => (typeof nd === 'string' ? l.text.includes(nd) : nd.test(l.text))));
  }
}

/** `--client-log FILE` in serve mode: the worker's log, read once at grading time (capped). */
export async function readLogFile(path: string, capBytes: number): Promise<ClientLog> {
  const raw = await readFile(path);
  const truncated = raw.byteLength > capBytes;
  const text = raw.subarray(0, capBytes).toString('utf8');
  const lines = text.split(/\r?\n/).filter((l, i, all) => i < all.length - 1 || l !== '');
  return new ClientLog(lines.map((l, i) => ({ n: i + 1, stream: 'file', text: l.slice(0, LINE_CHARS) })), truncated, true);
}

/** A word match (model and format names), so `light` does not match `lightweight`. */
export function word(w: string): RegExp {
  return new RegExp(`(^|[^A-Za-z0-9_])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`);
}
