package com.desayre.embedded;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * The shape of a KRaft cluster whose nodes run in separate processes ({@code ./desayre up --cluster}):
 * its cluster id and, per node, the broker and controller ports on 127.0.0.1. Every node is a
 * combined broker and controller, and the controllers are static voters, so every node must be
 * started with the same quorum. Replication follows the size: factor 3 and {@code min.insync.replicas}
 * 2 for three nodes (one node may be down and writes with acks=all still succeed), 1 and 1 for one.
 *
 * @param clusterId the KRaft cluster id every node's log directory is formatted with
 * @param nodes     one entry per node, ids from 1
 */
public record KafkaQuorum(String clusterId, List<Node> nodes) {

    /** One node's id and its two loopback ports. */
    public record Node(int id, int brokerPort, int controllerPort) {
    }

    public KafkaQuorum {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a quorum needs at least one node");
        }
        nodes = List.copyOf(nodes);
    }

    /** A new cluster of {@code size} nodes on free loopback ports. */
    public static KafkaQuorum onFreePorts(int size) {
        List<Node> nodes = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            nodes.add(new Node(id, FreePort.pick(), FreePort.pick()));
        }
        return new KafkaQuorum(Uuid.randomUuid().toString(), nodes);
    }

    public int replicationFactor() {
        return Math.min(3, nodes.size());
    }

    public int minInsyncReplicas() {
        return Math.max(1, replicationFactor() - 1);
    }

    public Node node(int id) {
        return nodes.stream().filter(node -> node.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the quorum has no node " + id + ": " + this));
    }

    /** {@code controller.quorum.voters}: {@code 1@127.0.0.1:PORT,2@…}. */
    String voters() {
        return nodes.stream().map(node -> node.id() + "@127.0.0.1:" + node.controllerPort()).collect(Collectors.joining(","));
    }

    /** Every node's broker address, for clients that must survive any one node being down. */
    public String bootstrapServers() {
        return nodes.stream().map(node -> "127.0.0.1:" + node.brokerPort()).collect(Collectors.joining(","));
    }

    /** The Spring Boot properties that point a service at this cluster. */
    public Map<String, String> springProperties() {
        return SpringProperties.kafka(bootstrapServers());
    }

    /** Creates the topics that do not exist yet, replicated {@link #replicationFactor()} times. */
    public void createTopics(Collection<String> names, int partitions) {
        TopicMaker.create(bootstrapServers(), names, partitions, replicationFactor());
    }

    /** One line a child process can be given: {@code CLUSTER_ID/1:BROKER:CONTROLLER,2:…}. */
    public String encode() {
        return clusterId + "/" + nodes.stream().map(node -> node.id() + ":" + node.brokerPort() + ":" + node.controllerPort())
                .collect(Collectors.joining(","));
    }

    /** Reads {@link #encode()}'s line. */
    public static KafkaQuorum decode(String line) {
        int slash = line.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("not a quorum (CLUSTER_ID/ID:BROKER:CONTROLLER,…): " + line);
        }
        var nodes = Arrays.stream(line.substring(slash + 1).split(",")).map(part -> {
            var fields = part.split(":");
            if (fields.length != 3) {
                throw new IllegalArgumentException("not a node (ID:BROKER:CONTROLLER): " + part);
            }
            return new Node(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]), Integer.parseInt(fields[2]));
        }).toList();
        return new KafkaQuorum(line.substring(0, slash), nodes);
    }
}
