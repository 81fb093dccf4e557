/**
 * The provider lines: who waits where (Kafka lag per lane, {@link com.desayre.gateway.queues.KafkaQueues}),
 * admission to a full line ({@link com.desayre.gateway.queues.QueueAdmission}), dead-letter topics with
 * replay and discard ({@link com.desayre.gateway.queues.DlqLedger}), lane pause/resume and worker
 * instances ({@link com.desayre.gateway.queues.WorkerBoard}), behind {@code /api/admin/queues} and
 * {@code /api/worker}.
 */
package com.desayre.gateway.queues;
