/**
 * Drafts shared by the cases of one property: a rejected start leaves its
 * draft a draft, so a thousand invalid starts need one job, not a thousand.
 * A draft that a (wrongly) accepted start consumed is replaced.
 */
import type { CreateJobRequest } from '../../contracts/schemas.js';
import { expectServed } from '../lib/api.js';
import type { Client } from '../lib/client.js';
import type { KeyRole } from '../lib/config.js';
import { broken } from '../lib/errors.js';
import { send } from './send.js';

export class DraftPool {
  private readonly ids = new Map<string, string>();
  constructor(private readonly client: Client, private readonly key: KeyRole) {}

  async get(body: CreateJobRequest): Promise<string> {
    const fingerprint = JSON.stringify(body);
    const known = this.ids.get(fingerprint);
    if (known) return known;
    const r = await send(this.client, 'POST', '/v1/jobs', { body, key: this.key });
    expectServed(r, `creating a draft ${fingerprint.slice(0, 160)}`);
    if (typeof r.json?.id !== 'string') broken('OBS-3', `POST /v1/jobs answered without a job id: ${r.text.slice(0, 160)}`);
    this.ids.set(fingerprint, r.json.id as string);
    return r.json.id as string;
  }

  /** The draft was started after all: the next case gets a fresh one. */
  consumed(body: CreateJobRequest): void {
    this.ids.delete(JSON.stringify(body));
  }
}

/** The key a payload property sends with: the second key when there is one, so the primary key's budget goes to the stateful checks. */
export const payloadKey = (keys: { alt?: string }): KeyRole => (keys.alt !== undefined ? 'alt' : 'primary');
