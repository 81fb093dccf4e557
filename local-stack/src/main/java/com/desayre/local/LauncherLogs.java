package com.desayre.local;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Logging for the JVMs of the cluster that run no Spring context (the launcher, a Kafka node, the simulator):
 * without Spring Boot's setup logback logs everything at DEBUG, tens of thousands of lines a minute.
 * INFO, and Kafka's chatty clients and broker at WARN, as the services' own settings have it.
 */
final class LauncherLogs {

    static void quiet() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        for (var chatty : new String[] {"org.apache.kafka", "kafka", "state.change.logger", "io.zonky"}) {
            context.getLogger(chatty).setLevel(Level.WARN);
        }
    }

    private LauncherLogs() {
    }
}
