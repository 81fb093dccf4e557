/**
 * Making jobs: {@code /api/generate/image|edit|video} (JSON and multipart uploads), retry, and the
 * prompt preview. Checks the request and the limits, then publishes the job with an idempotency key
 * ({@link com.desayre.gateway.generation.Submissions}). The top of the request path: it uses limits,
 * queues, history and jobs, and nothing uses it.
 */
package com.desayre.gateway.generation;
