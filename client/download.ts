/**
 * downloadOutput (CLI-7, LIFE-6): the artifact's URL comes from the completed
 * job, never from a start response, and it is a signed link: fetched without
 * the API key (the download transport has no key to send), with the same
 * bounded retries as API calls and a size cap.
 */
import { DownloadError } from './errors.js';
import type { FetchLike } from './transport.js';
import type { Job } from './types.js';

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Refuse artifacts larger than this, bytes (default 2 GiB). */
  maxBytes?: number;
}

export interface Download {
  url: string;
  contentType: string | undefined;
  bytes: Uint8Array;
}

export async function downloadOutput(fetchArtifact: FetchLike, job: Job, opts: DownloadOptions = {}): Promise<Download> {
  if (job.status !== 'completed' || typeof job.output_url !== 'string') {
    throw new DownloadError(job.id, undefined, `the job is ${job.status}; output_url is read from a completed job (CLI-7)`);
  }
  let url: URL;
  try {
    url = new URL(job.output_url);
  } catch {
    throw new DownloadError(job.id, undefined, 'output_url is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DownloadError(job.id, undefined, `output_url has scheme ${url.protocol}; only http and https are fetched`);
  const res = await fetchArtifact(new Request(url, { method: 'GET', ...(opts.signal ? { signal: opts.signal } : {}) }));
  if (!res.ok) {
    await res.body?.cancel();
    throw new DownloadError(job.id, res.status, `GET output_url answered ${res.status}`);
  }
  const maxBytes = opts.maxBytes ?? 2 * 1024 ** 3;
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new DownloadError(job.id, res.status, `the artifact is ${declared} bytes, over maxBytes ${maxBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new DownloadError(job.id, res.status, `the artifact is over maxBytes ${maxBytes}`);
      }
      chunks.push(value);
    }
  }
  return { url: url.toString(), contentType: res.headers.get('content-type') ?? undefined, bytes: new Uint8Array(Buffer.concat(chunks)) };
}
