#!/usr/bin/env node
// Breaks CLI-7: takes output_url from the start response when one is there, instead of from the completed job.
import { runClient } from './good-client.mjs';

await runClient({ downloadUrl: (startAnswer, completedJob) => startAnswer.output_url ?? completedJob.output_url });
