/**
 * How much a user may do: rate buckets and in-flight caps in Redis with a local fallback ({@link
 * com.desayre.gateway.limits.GenerationLimits}, {@link com.desayre.gateway.limits.LocalLimits}), daily
 * quotas kept exactly through Redis trouble by a Postgres ledger ({@link
 * com.desayre.gateway.limits.DailyQuotas}, {@link com.desayre.gateway.limits.QuotaLedger}), the 429/503
 * answers with their headers ({@link com.desayre.gateway.limits.LimitExceeded}), and {@code /api/limits}
 * with the admin quota endpoints.
 */
package com.desayre.gateway.limits;
