/**
 * Real servers started from Java on loopback ports, with no Docker: a single-node KRaft Kafka broker,
 * PostgreSQL, Redis and an S3-protocol server, and the Spring property names that point a service at
 * them ({@link com.desayre.embedded.SpringProperties}). {@code ./desayre up} (local-stack) runs the
 * studio on them with its data kept in a directory; the test kit ({@code test-support}) starts
 * throwaway ones once per test JVM.
 */
@NullMarked
package com.desayre.embedded;

import org.jspecify.annotations.NullMarked;
