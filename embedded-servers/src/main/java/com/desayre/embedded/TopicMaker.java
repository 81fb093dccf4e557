package com.desayre.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates DESAYRE's topics on a broker or a quorum and waits until each partition's leader answers. */
final class TopicMaker {

    private static final Logger log = LoggerFactory.getLogger(TopicMaker.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    /** Creates the named topics that are missing, with their {@code contracts} policy, then awaits their leaders. */
    static void create(String bootstrapServers, Collection<String> names, int partitions, int replicationFactor) {
        if (names.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        Deadline deadline = Deadline.in(TOPIC_TIMEOUT);
        try (Admin admin = admin(bootstrapServers)) {
            Set<String> existing = admin.listTopics(new ListTopicsOptions().listInternal(false)).names()
                    .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = names.stream().distinct()
                    .filter(name -> !existing.contains(name))
                    // compacted topics (lane switches, heartbeats) need their policy from the start
                    .map(name -> new NewTopic(name, partitions, (short) replicationFactor)
                            .configs(com.desayre.contracts.Topics.config(name)))
                    .toList();
            if (!missing.isEmpty()) {
                for (var result : admin.createTopics(missing).values().entrySet()) {
                    try {
                        result.getValue().get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new IllegalStateException("cannot create topic " + result.getKey(), e.getCause());
                        }
                    }
                }
            }
            awaitLeaders(admin, Set.copyOf(names), deadline);
            log.info("Topics {} ready ({} created, replication factor {}) in {} ms", names, missing.size(), replicationFactor,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + names, e);
        }
    }

    /**
     * Polls until each partition has a leader in the broker's metadata and that leader answers a
     * ListOffsets request, which only the partition's actual leader does.
     */
    private static void awaitLeaders(Admin admin, Set<String> topics, Deadline deadline) {
        Throwable last = null;
        while (!deadline.expired()) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames()
                        .get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
                List<TopicPartition> partitions = new ArrayList<>();
                boolean allLed = true;
                for (TopicDescription description : descriptions.values()) {
                    for (TopicPartitionInfo partition : description.partitions()) {
                        allLed &= partition.leader() != null && !partition.leader().isEmpty();
                        partitions.add(new TopicPartition(description.name(), partition.partition()));
                    }
                }
                if (allLed) {
                    admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                            .all().get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e.getCause() != null ? e.getCause() : e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for partition leaders", e);
            }
            deadline.pause();
        }
        throw new IllegalStateException("partitions of " + topics + " have no leader after " + TOPIC_TIMEOUT, last);
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    private TopicMaker() {
    }
}
