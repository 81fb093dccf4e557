package com.desayre.testsupport;

import com.desayre.embedded.SpringProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchInterceptor;

/**
 * A stage's crash between its work and its commit, for real: in a JVM of its own (a crash test forks one), the
 * container of a batch binding halts the JVM like a killed process (no shutdown hook, no commit) the moment its first
 * non-empty poll was handled: after the stage returned, so after everything it wrote and sent for the poll was done,
 * and before the container commits the poll's offsets. A forked stage's main class declares the customizer as a bean.
 */
public final class HaltAfterPoll {
    /** The forked JVM's exit status when it halted here. */
    public static final int EXIT = 77;

    private HaltAfterPoll() {
    }

    /**
     * Starts {@code main} (a stage whose container halts here) in a JVM of its own, on the test's class path with
     * these Spring properties, its output in {@code log} (not on the test JVM's stdout, which is the test runner's channel).
     */
    public static Process fork(Class<?> main, Map<String, String> properties, Path log) throws IOException {
        var classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", classpath, main.getName()));
        command.addAll(List.of(SpringProperties.asArguments(properties)));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** @param destination the topic whose binding halts, or null for any */
    public static ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> on(String destination) {
        return (container, topic, group) -> {
            if (destination == null || destination.equals(topic)) {
                halting(container).setBatchInterceptor(new BatchInterceptor<>() {
                    @Override
                    public ConsumerRecords<Object, Object> intercept(ConsumerRecords<Object, Object> records,
                                                                     Consumer<Object, Object> consumer) {
                        return records;
                    }

                    @Override
                    public void success(ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
                        if (!records.isEmpty()) {
                            System.out.println("HaltAfterPoll: handled " + records.count() + " record(s) of " + topic
                                    + ", halting before the commit");
                            System.out.flush();
                            Runtime.getRuntime().halt(EXIT);
                        }
                    }
                });
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static AbstractMessageListenerContainer<Object, Object> halting(AbstractMessageListenerContainer<?, ?> container) {
        return (AbstractMessageListenerContainer<Object, Object>) container;
    }
}
