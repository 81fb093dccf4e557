/**
 * The test kit: the real servers of {@code embedded-servers} started once per test JVM and shared
 * ({@link com.desayre.testsupport.TestServers}), a probe for what a service published
 * ({@link com.desayre.testsupport.TopicProbe}), and PNGs with chosen row filters
 * ({@link com.desayre.testsupport.PngEncoder}), what Boot prints when start-up fails
 * ({@link com.desayre.testsupport.StartupFailures}). Test scope only; nothing in production uses it.
 */
@NullMarked
package com.desayre.testsupport;

import org.jspecify.annotations.NullMarked;
