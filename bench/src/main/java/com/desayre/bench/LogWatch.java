package com.desayre.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Watches what every service in this JVM logs while a bench runs: how many events carried a stack trace, how many
 * were errors, and a few distinct examples of each (logger, message, exception), for a bench that promises none.
 */
final class LogWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private static final int EXAMPLES = 8;

    private final AtomicLong withStackTrace = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong warnings = new AtomicLong();
    private final Map<String, AtomicLong> examples = new ConcurrentHashMap<>();

    static LogWatch attach() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var watch = new LogWatch();
        watch.setContext(context);
        watch.setName("bench-log-watch");
        watch.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(watch);
        return watch;
    }

    @Override
    protected void append(ILoggingEvent event) {
        var traced = event.getThrowableProxy() != null;
        if (traced) {
            withStackTrace.incrementAndGet();
        }
        if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            errors.incrementAndGet();
        } else if (event.getLevel() == Level.WARN) {
            warnings.incrementAndGet();
        }
        if (traced || event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            var key = event.getLevel() + " " + event.getLoggerName() + ": " + abbreviate(event.getFormattedMessage())
                    + (traced ? " [" + event.getThrowableProxy().getClassName() + ": "
                    + abbreviate(String.valueOf(event.getThrowableProxy().getMessage())) + "]" : "");
            if (examples.size() < EXAMPLES || examples.containsKey(key)) {
                examples.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    long withStackTrace() {
        return withStackTrace.get();
    }

    long errors() {
        return errors.get();
    }

    long warnings() {
        return warnings.get();
    }

    /** Up to eight distinct traced or error events, with how often each came. */
    Map<String, AtomicLong> examples() {
        return examples;
    }

    private static String abbreviate(String text) {
        var line = text.replace('\n', ' ');
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    @Override
    public void close() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }
}
