package com.desayre.encoder;

import com.desayre.contracts.AccountChanged;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.Topics;
import com.desayre.platform.CompactedTopic;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Which owners may have jobs run: the gateway's accounts as it writes them to the compacted
 * {@code generation.accounts} (each user's latest {@link AccountChanged}), read whole, from the
 * beginning, without a consumer group. Nothing is decided before the topic has been read to its end; an
 * owner not in it makes it read to its end once more (an account made a moment ago) before the answer
 * is "unknown". The encoder has no database of its own, and the gateway's stays the gateway's.
 */
@Component
class Owners implements SmartLifecycle {
    enum Standing { ENABLED, DISABLED, UNKNOWN }

    private final Map<String, Boolean> enabled = new ConcurrentHashMap<>();
    private final Map<String, Object> kafka;
    private final Duration wait;
    private volatile CompactedTopic topic;

    Owners(Environment environment, @Value("${desayre.encoder.accounts-wait:30s}") Duration wait) {
        var client = new HashMap<String, Object>(Binder.get(environment)
                .bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
        client.put("bootstrap.servers", environment.getProperty("spring.kafka.bootstrap-servers", "localhost:9092"));
        this.kafka = client;
        this.wait = wait;
    }

    /**
     * Whether {@code owner} may have jobs run. Blocks (at most the configured wait, 30 s) until the accounts
     * are known; throws {@link IllegalStateException}, a failure worth another delivery, if they are not by then.
     */
    Standing standing(String owner) {
        var current = topic;
        if (current == null) {
            throw new IllegalStateException("the accounts are not being read yet");
        }
        if (!current.caughtUp()) {
            readToEnd(current);
        }
        var known = enabled.get(owner);
        if (known == null) {
            readToEnd(current); // an account made a moment ago
            known = enabled.get(owner);
        }
        return known == null ? Standing.UNKNOWN : known ? Standing.ENABLED : Standing.DISABLED;
    }

    private void readToEnd(CompactedTopic current) {
        try {
            current.readToEnd().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("could not read " + Topics.ACCOUNTS + " to its end within " + wait, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + Topics.ACCOUNTS, e);
        }
    }

    private void changed(String username, byte[] value) {
        if (value == null) {
            enabled.remove(username);
            return;
        }
        enabled.put(username, EventJson.read(value, AccountChanged.class).enabled());
    }

    @Override
    public void start() {
        topic = CompactedTopic.follow(Topics.ACCOUNTS, kafka, this::changed);
    }

    @Override
    public void stop() {
        var current = topic;
        if (current != null) {
            current.close();
        }
        topic = null;
    }

    @Override
    public boolean isRunning() {
        return topic != null;
    }

    @Override
    public int getPhase() {
        // before the bindings start, after they stop
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
