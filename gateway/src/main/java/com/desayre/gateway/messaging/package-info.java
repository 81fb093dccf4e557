/**
 * Publishing records to Kafka with the broker's acknowledgement ({@link
 * com.desayre.gateway.messaging.JobPublisher}): jobs, cancels, statuses and account changes; and
 * the status topic's events inside this instance ({@link com.desayre.gateway.messaging.StatusBus}),
 * which jobs, limits and queues follow. Depends on no feature.
 */
package com.desayre.gateway.messaging;
