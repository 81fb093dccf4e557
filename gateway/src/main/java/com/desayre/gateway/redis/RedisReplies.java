package com.desayre.gateway.redis;

import io.lettuce.core.ClientOptions;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where the work after a Redis answer runs. Every feature shares one Lettuce connection, and Lettuce emits each answer
 * on that connection's single event-loop thread by default; what a request does next (Spring Security, the next
 * Redis or Kafka call, Jackson writing the answer) then ran there too — about half of the generation path's CPU on
 * one thread of two cores (docs/performance.md, "Gateway"). With {@code publishOnScheduler} the answers are emitted on
 * Lettuce's computation threads (one per core), and the I/O thread only reads and writes the connection.
 */
@Configuration(proxyBeanMethods = false)
class RedisReplies {
    @Bean
    LettuceClientOptionsBuilderCustomizer answersOffTheIoThread() {
        return (ClientOptions.Builder builder) -> builder.publishOnScheduler(true);
    }
}
