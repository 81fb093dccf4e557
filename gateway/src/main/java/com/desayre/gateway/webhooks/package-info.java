/**
 * Signed webhooks ({@code /api/webhooks}): endpoints a user registers (URL checked by platform's
 * {@link com.desayre.platform.WebhookTargets}), their signing secrets (shown once, rotated with a day's overlap),
 * test sends, the delivery log and redelivery. The endpoints and deliveries live in the gateway's schema; the
 * webhook-dispatcher service sends them (docs/webhooks.md).
 */
package com.desayre.gateway.webhooks;
