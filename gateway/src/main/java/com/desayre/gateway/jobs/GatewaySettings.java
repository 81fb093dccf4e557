package com.desayre.gateway.jobs;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code desayre.gateway.*}.
 *
 * @param statusTtl how long the Redis status cache keeps a job's latest status
 */
@ConfigurationProperties("desayre.gateway")
record GatewaySettings(Duration statusTtl) {
}
