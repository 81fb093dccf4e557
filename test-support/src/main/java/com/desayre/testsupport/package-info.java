/**
 * Launchers for real servers on loopback ports — a single-node KRaft Kafka broker, PostgreSQL,
 * Redis and an S3-protocol server — used by integration tests ({@link com.desayre.testsupport.TestServers})
 * and by {@code local-stack}, which keeps their data in a persistent directory; what Boot prints
 * when start-up fails ({@link com.desayre.testsupport.StartupFailures}), for settings tests.
 */
@NullMarked
package com.desayre.testsupport;

import org.jspecify.annotations.NullMarked;
