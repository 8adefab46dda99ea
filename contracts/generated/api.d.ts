/**
 * Generated from contracts/openapi.yaml by `npm run contracts:generate`. Do not edit:
 * `npm run contracts:check` (part of `npm test`) fails when this file is stale.
 */

export interface paths {
    "/v1/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List own jobs
         * @description The calling key's jobs, newest first; `total` counts every job of the key that matches the filter.
         */
        get: operations["listJobs"];
        put?: never;
        /**
         * Create a job
         * @description Creates a job; a draft (`created`) when `auto_start` is false, otherwise it starts at once and is charged.
         */
        post: operations["createJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{job_id}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a draft job
         * @description Starts a `created` (or `failed`) job with model, background and composition
         *     settings; every field is optional and `{}` starts with the job's defaults.
         *     Cross-field policy: VAL-2 (prompt only for `pro`), VAL-3 (`pro` needs a prompt),
         *     VAL-4 (compatibility matrix), VAL-5 (composition normalized), VAL-6 (a rejected
         *     start changes nothing). Starting a `processing` or `completed` job is 409 (IDEM-5).
         *
         */
        post: operations["startJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a job
         * @description Job details for polling; another key's job is 404 exactly like a missing one (AUTH-4).
         */
        get: operations["getJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List credit events
         * @description The calling key's credit events, one `charge` per start. SPEC leaves unsaid what the `job_id` filter answers for a job the key cannot see (another key's, or none): an empty list, or the 404 a read of that job gets (contracts/choices.ts, usage-filter).
         */
        get: operations["listUsageEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Open to everyone, no key needed (AUTH-5).
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @enum {string} */
        Model: "original" | "light" | "pro" | "human";
        /** @enum {string} */
        OutputFormat: "webm" | "mov" | "mp4" | "gif" | "webp" | "png_sequence";
        /** @enum {string} */
        JobStatus: "created" | "processing" | "completed" | "failed";
        /** @description Absolute http or https URL, at most 2048 characters, printable ASCII (percent-encode the rest). */
        HttpUrl: string;
        /** @description Absolute https URL, at most 2048 characters, printable ASCII. */
        HttpsUrl: string;
        /** @description 1–500 characters after trimming white space (the pattern says exactly that). */
        TextPrompt: string;
        TransparentBackground: {
            /** @constant */
            type: "transparent";
        };
        ColorBackground: {
            /** @constant */
            type: "color";
            /** @description [r, g, b], each 0–255. */
            color: number[];
        };
        ImageBackground: {
            /** @constant */
            type: "image";
            image_url: components["schemas"]["HttpsUrl"];
        };
        Background: components["schemas"]["TransparentBackground"] | components["schemas"]["ColorBackground"] | components["schemas"]["ImageBackground"];
        /** @description Stored form, as a job answers it: the variants of Background without their closed
         *     member lists, since a response may carry members SPEC does not name, at any depth
         *     (SPEC §1). Requests stay closed: an unknown request field is a 400 (VAL-1).
         *      */
        StoredBackground: {
            /** @constant */
            type: "transparent";
        } | {
            /** @constant */
            type: "color";
            /** @description [r, g, b], each 0–255. */
            color: number[];
        } | {
            /** @constant */
            type: "image";
            image_url: components["schemas"]["HttpsUrl"];
        };
        /** @description Request form; each member may be omitted on its own and VAL-5 fills it with the source video's size. */
        Canvas: {
            width?: number;
            height?: number;
        };
        /** @description Stored form; both members present (VAL-5). */
        NormalizedCanvas: {
            width: number;
            height: number;
        };
        /** @enum {string} */
        Anchor: "center" | "top-left" | "top" | "top-right" | "left" | "right" | "bottom-left" | "bottom" | "bottom-right";
        /** @description Request form; `x` and `y` may each be omitted (VAL-5 fills 0). */
        Offset: {
            x?: number;
            y?: number;
        };
        /** @description Stored form; both members present (VAL-5). */
        NormalizedOffset: {
            x: number;
            y: number;
        };
        Foreground: {
            anchor?: components["schemas"]["Anchor"];
            scale?: number;
            offset?: components["schemas"]["Offset"];
        };
        /** @description Request form. Every leaf is optional on its own (`canvas.width`, `canvas.height`,
         *     `foreground.anchor`, `foreground.scale`, `foreground.offset.x`, `foreground.offset.y`);
         *     normalization fills each omitted leaf with its default (VAL-5). `null` is never an
         *     omission: it is a wrong type (400). A start without `composition` keeps the job's
         *     current composition, normalized.
         *      */
        Composition: {
            canvas?: components["schemas"]["Canvas"];
            foreground?: components["schemas"]["Foreground"];
        };
        /** @description Stored form; every member present (VAL-5). */
        NormalizedComposition: {
            canvas: components["schemas"]["NormalizedCanvas"];
            foreground: {
                anchor: components["schemas"]["Anchor"];
                scale: number;
                offset: components["schemas"]["NormalizedOffset"];
            };
        };
        CreateJobRequest: {
            video_url: components["schemas"]["HttpUrl"];
            model?: components["schemas"]["Model"];
            output_format?: components["schemas"]["OutputFormat"];
            background?: components["schemas"]["Background"];
            text_prompt?: components["schemas"]["TextPrompt"];
            webhook_url?: components["schemas"]["HttpsUrl"];
            auto_start?: boolean;
        };
        StartJobRequest: {
            model?: components["schemas"]["Model"];
            text_prompt?: components["schemas"]["TextPrompt"];
            background?: components["schemas"]["Background"];
            composition?: components["schemas"]["Composition"];
            /** @description Seconds to process and bill, > 0 and ≤ 60. */
            preview_duration?: number;
        };
        JobAccepted: {
            /** @constant */
            success: true;
            id: string;
            /** @enum {string} */
            status: "created" | "processing";
            message: string;
        };
        HistoryEntry: {
            status: components["schemas"]["JobStatus"];
            /** Format: date-time */
            at: string;
            request_id: string;
        };
        JobError: {
            code: string;
            message: string;
        };
        Job: {
            id: string;
            status: components["schemas"]["JobStatus"];
            model: components["schemas"]["Model"];
            output_format: components["schemas"]["OutputFormat"];
            video_url?: string;
            background: components["schemas"]["StoredBackground"];
            composition: components["schemas"]["NormalizedComposition"];
            text_prompt?: string;
            preview_duration?: number;
            credits_charged: number;
            /** Format: uri */
            output_url?: string;
            error?: components["schemas"]["JobError"];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            started_at?: string;
            /** Format: date-time */
            completed_at?: string;
            history: components["schemas"]["HistoryEntry"][];
        };
        JobList: {
            jobs: components["schemas"]["Job"][];
            limit: number;
            offset: number;
            total: number;
        };
        UsageEvent: {
            id: string;
            /** @constant */
            type: "charge";
            job_id: string;
            credits: number;
            request_id: string;
            /** Format: date-time */
            at: string;
        };
        UsageEventList: {
            events: components["schemas"]["UsageEvent"][];
        };
        Health: {
            /** @constant */
            status: "ok";
        };
        /** @enum {string} */
        ErrorCode: "missing_api_key" | "invalid_api_key" | "insufficient_credits" | "not_found" | "job_not_startable" | "idempotency_in_progress" | "unsupported_media_type" | "invalid_request" | "unsupported_combination" | "idempotency_key_reused" | "rate_limited" | "internal_error" | "timeout";
        ErrorBody: {
            code: components["schemas"]["ErrorCode"];
            message: string;
            request_id: string;
            param?: string;
            details?: unknown;
        };
        /** @description The error envelope of every non-2xx response (ERR-1). */
        ErrorResponse: {
            error: components["schemas"]["ErrorBody"];
        };
    };
    responses: {
        /** @description `invalid_request`: malformed JSON, wrong types, out-of-range values, unknown fields (ERR-3, VAL-1..3); `error.param` names the field. */
        BadRequest: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `missing_api_key` or `invalid_api_key` (AUTH-2, AUTH-3). */
        Unauthorized: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `insufficient_credits` (LIFE-5). */
        PaymentRequired: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `not_found`: no such job, or another key's job (AUTH-4). */
        NotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `job_not_startable` (IDEM-5) or `idempotency_in_progress` (IDEM-3). */
        Conflict: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `unsupported_media_type`: the body is not JSON by content type (ERR-3). */
        UnsupportedMediaType: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `unsupported_combination` (VAL-4) or `idempotency_key_reused` (IDEM-2). */
        UnprocessableEntity: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `rate_limited` (RATE-1, RATE-2). */
        TooManyRequests: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "Retry-After": components["headers"]["Retry-After"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `internal_error`. */
        InternalError: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `timeout`. */
        GatewayTimeout: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
    };
    parameters: {
        /** @description A job id as returned by createJob. */
        JobId: string;
        /** @description 1–255 printable ASCII characters; replays within 24 h (IDEM-1..6), scoped per API key. */
        IdempotencyKey: string;
        /** @description Optional client id; when it matches `^[A-Za-z0-9._:-]{1,128}$` it SHOULD be echoed (OBS-5), otherwise the server assigns one. */
        ClientRequestId: string;
    };
    requestBodies: never;
    headers: {
        /** @description Unique per request (OBS-1); equals `error.request_id` on errors (OBS-2). */
        "X-Request-Id": string;
        /** @description `true` on a replayed response (IDEM-1). */
        "Idempotent-Replayed": "true" | "false";
        /** @description RFC 9110 delay-seconds or HTTP-date, at least 1 s ahead (RATE-2). */
        "Retry-After": string;
        /** @description IETF RateLimit field (RATE-6, recommended). */
        RateLimit: string;
        /** @description IETF RateLimit-Policy field (RATE-6, recommended). */
        "RateLimit-Policy": string;
        /** @description Challenge naming the X-Api-Key scheme (AUTH-6, recommended). */
        "WWW-Authenticate": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listJobs: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                status?: components["schemas"]["JobStatus"];
            };
            header?: {
                /** @description Optional client id; when it matches `^[A-Za-z0-9._:-]{1,128}$` it SHOULD be echoed (OBS-5), otherwise the server assigns one. */
                "X-Request-Id"?: components["parameters"]["ClientRequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of jobs. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    createJob: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1–255 printable ASCII characters; replays within 24 h (IDEM-1..6), scoped per API key. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                /** @description Optional client id; when it matches `^[A-Za-z0-9._:-]{1,128}$` it SHOULD be echoed (OBS-5), otherwise the server assigns one. */
                "X-Request-Id"?: components["parameters"]["ClientRequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateJobRequest"];
            };
        };
        responses: {
            /** @description The job was created (and started when `auto_start` is true). */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            402: components["responses"]["PaymentRequired"];
            409: components["responses"]["Conflict"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    startJob: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1–255 printable ASCII characters; replays within 24 h (IDEM-1..6), scoped per API key. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                /** @description Optional client id; when it matches `^[A-Za-z0-9._:-]{1,128}$` it SHOULD be echoed (OBS-5), otherwise the server assigns one. */
                "X-Request-Id"?: components["parameters"]["ClientRequestId"];
            };
            path: {
                /** @description A job id as returned by createJob. */
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StartJobRequest"];
            };
        };
        responses: {
            /** @description The job is processing; `id` is the path's `job_id` (OBS-3). */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            402: components["responses"]["PaymentRequired"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: {
                /** @description Optional client id; when it matches `^[A-Za-z0-9._:-]{1,128}$` it SHOULD be echoed (OBS-5), otherwise the server assigns one. */
                "X-Request-Id"?: components["parameters"]["ClientRequestId"];
            };
            path: {
                /** @description A job id as returned by createJob. */
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    listUsageEvents: {
        parameters: {
            query?: {
                job_id?: string;
            };
            header?: {
                /** @description Optional client id; when it matches `^[A-Za-z0-9._:-]{1,128}$` it SHOULD be echoed (OBS-5), otherwise the server assigns one. */
                "X-Request-Id"?: components["parameters"]["ClientRequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Credit events. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageEventList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: {
                /** @description Optional client id; when it matches `^[A-Za-z0-9._:-]{1,128}$` it SHOULD be echoed (OBS-5), otherwise the server assigns one. */
                "X-Request-Id"?: components["parameters"]["ClientRequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The service is up. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            400: components["responses"]["BadRequest"];
            500: components["responses"]["InternalError"];
        };
    };
}
