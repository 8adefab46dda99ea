// SCHEMA: drives every operation and the error classes a valid request can
// reach, so the run sees each documented response; every response of every
// check is validated against contracts/openapi.yaml and certify reports the
// violations per operation.
import { createDraft, firstVideo, getJob, missingJobId, pollUntilTerminal, start } from './lib/api.js';
import { suite, fail } from './lib/check.js';

export const SCHEMA = suite('SCHEMA', (check, config) => {
  check('schema.tour', [], 'every operation answers in the documented shape', async ({ client, config, recorder }) => {
    const id = await createDraft(client, config);
    await client.get('/v1/jobs?limit=5&offset=0');
    await client.get('/health', { key: 'none' });
    await start(client, id, { model: 'not-a-model' });
    await client.post('/v1/jobs', { video_url: firstVideo(config), output_format: 'mp4' });
    await client.get(`/v1/jobs/${encodeURIComponent(missingJobId(id))}`);
    await client.get('/v1/jobs', { key: 'none' });
    await start(client, id, { model: 'light' });
    await start(client, id);
    await pollUntilTerminal(client, id, config.jobTimeoutS);
    await getJob(client, id);
    // Read once the run ended, so the job has its charge event to show (whenever the provider charges).
    await client.get(`/v1/usage/events?job_id=${encodeURIComponent(id)}`);
    await client.get('/v1/jobs?limit=5&status=completed');
    // Violations a rule owns (ERR-1, RATE-2, OBS-1) are judged by that rule's check.
    const violations = recorder.violations.filter((v) => v.violation.rule === undefined).map((v) => `${v.exchange.request.method} ${v.exchange.request.url} ${v.exchange.response?.status}: ${v.violation.message}`);
    if (violations.length > 0) fail(`every response must have the shape contracts/openapi.yaml documents; ${violations.length} did not: ${violations.slice(0, 5).join('; ')}`);
  }, { timeoutMs: 120_000 });
});
