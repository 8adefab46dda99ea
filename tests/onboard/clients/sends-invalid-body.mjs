#!/usr/bin/env node
// Breaks CLI-11: does not validate the start body; it sends the partner's text_prompt with every model and lets
// the API judge. When the API rejects it (400 invalid_request, param text_prompt: VAL-2, the prompt needs model
// pro), it drops the field the API named and starts again, so every job runs, one 400 each.
import { POLICY, runClient } from './good-client.mjs';
await runClient({
  startJob: async ({ send, model, textPrompt, jobId }) => {
    try {
      return await send({ model, text_prompt: textPrompt });
    } catch (err) {
      if (err.status !== 400 || err.param !== 'text_prompt') throw err;
      POLICY.log('warn', 'start rejected, starting again without text_prompt', { job_id: jobId, status: err.status, code: err.code, request_id: err.requestId });
      return send({ model });
    }
  },
});
