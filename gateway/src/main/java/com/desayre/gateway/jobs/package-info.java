/**
 * A job's life after it was accepted: its status (Redis cache first, the job history behind it, {@link
 * com.desayre.gateway.jobs.JobStatuses}), cancelling it, and the live streams ({@code /api/jobs/{id}/events},
 * {@code /api/events}) fed from the status topic ({@link com.desayre.gateway.jobs.StatusFanout}, {@link
 * com.desayre.gateway.messaging.StatusBus}).
 */
package com.desayre.gateway.jobs;
