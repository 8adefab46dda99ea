/** The API's shapes, straight from the types generated from contracts/openapi.yaml. */
import type { components, operations } from '../contracts/generated/api.js';

type Schemas = components['schemas'];
export type Job = Schemas['Job'];
export type JobStatus = Schemas['JobStatus'];
export type JobAccepted = Schemas['JobAccepted'];
export type JobList = Schemas['JobList'];
export type UsageEvent = Schemas['UsageEvent'];
export type UsageEventList = Schemas['UsageEventList'];
export type CreateJobRequest = Schemas['CreateJobRequest'];
export type StartJobRequest = Schemas['StartJobRequest'];
export type Model = Schemas['Model'];
export type OutputFormat = Schemas['OutputFormat'];
export type Background = Schemas['Background'];
export type ErrorBody = Schemas['ErrorBody'];
export type ListJobsQuery = NonNullable<operations['listJobs']['parameters']['query']>;
export type UsageEventsQuery = NonNullable<operations['listUsageEvents']['parameters']['query']>;
