package com.desayre.contracts;

/**
 * Kafka has no message priority: interactive and batch work travel in separate lanes so a
 * large batch never starves a person waiting at the studio.
 */
public enum Priority {
    INTERACTIVE, BATCH
}
