/** OBS-4: where the provider's log lines come from, and which of them mention a request id. */
import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import type { RunConfig } from './config.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const FILE_TAIL_BYTES = 64 * 1024 * 1024;

async function fileTail(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - FILE_TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

function runCommand(template: string, requestId: string): Promise<string> {
  // The id is substituted into a shell command, so only ids of the OBS-5 alphabet are accepted.
  if (!SAFE_ID.test(requestId)) return Promise.reject(new Error(`request id ${JSON.stringify(requestId)} is not safe to pass to a shell`));
  const command = template.split('{request_id}').join(requestId);
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { timeout: 10_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => {
      if (err && (err as NodeJS.ErrnoException & { killed?: boolean }).killed) reject(new Error(`log command timed out after 10 s`));
      else resolve(stdout);
    });
  });
}

/** The log lines that mention each request id. */
export async function logLinesFor(config: RunConfig, requestIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const source = config.logSource;
  if (!source) throw new Error('no log source configured');
  if (source.kind === 'command') {
    for (const id of requestIds.slice(0, 50)) out.set(id, (await runCommand(source.template, id)).split('\n').filter((l) => l.includes(id)));
    return out;
  }
  const lines = source.kind === 'memory' ? source.lines : (await fileTail(source.path)).split('\n');
  for (const id of requestIds) out.set(id, lines.filter((l) => l.includes(id)));
  return out;
}
