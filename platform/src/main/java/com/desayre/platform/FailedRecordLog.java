package com.desayre.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;

/**
 * One line per Kafka record a binding gave up on (it goes to the binding's DLQ, whose failure headers keep
 * the stack trace), in place of Spring Integration's error logger, which writes the whole stack trace at ERROR
 * for every poison record: a bad integration would fill the log (that logger is off in desayre-platform.yml).
 */
class FailedRecordLog implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(FailedRecordLog.class);
    private static final String ERROR_CHANNEL = "errorChannel";
    private static final int MAX_MESSAGE = 300;

    private final ApplicationContext context;

    FailedRecordLog(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (context.containsBean(ERROR_CHANNEL) && context.getBean(ERROR_CHANNEL) instanceof SubscribableChannel errors) {
            errors.subscribe(this::failed);
        }
    }

    private void failed(Message<?> error) {
        var problem = error.getPayload() instanceof Throwable thrown ? thrown : null;
        var record = error instanceof ErrorMessage withOriginal ? withOriginal.getOriginalMessage() : null;
        for (var cause = problem; record == null && cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            record = cause instanceof MessagingException messaging ? messaging.getFailedMessage() : null;
        }
        var where = record == null ? "a record" : "the record at " + record.getHeaders().get("kafka_receivedTopic") + "-"
                + record.getHeaders().get("kafka_receivedPartitionId") + "@" + record.getHeaders().get("kafka_offset")
                + " (group " + record.getHeaders().get("kafka_groupId") + ")";
        log.warn("Gave up on {}: {}", where, describe(problem));
    }

    /** The innermost cause: the one that says what was wrong with the record, not how the retries ended. */
    static String describe(Throwable problem) {
        if (problem == null) {
            return "unknown error";
        }
        var cause = problem;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        var message = String.valueOf(cause.getMessage()).replaceAll("\\s+", " ");
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "…";
        }
        return cause.getClass().getSimpleName() + ": " + message;
    }
}
