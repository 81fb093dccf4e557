package com.desayre.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A wall-clock profile of the stages while the pipeline bench runs (every service shares this JVM): every
 * {@code intervalMillis} it takes each stage thread's stack and counts where it was, so waits (a synchronous send,
 * a blocked database call) show as plainly as CPU, which a CPU sampler such as JFR's does not show. A sample's
 * place is the innermost DESAYRE method on the stack and the library call it made; a thread in the Kafka consumer's
 * poll with no DESAYRE method on the stack is idle, waiting for records.
 */
final class StageProfiler implements AutoCloseable {
    // Spring Cloud Stream's listener containers, the workers' own pools, the gateway's event loops
    private static final Pattern STAGE = Pattern.compile(
            "KafkaConsumerDestination|-worker-(step|dispatch|http)|reactor-http-epoll|kafka-producer-network-thread");
    private static final Pattern DESTINATION = Pattern.compile(
            "KafkaConsumerDestination\\{consumerDestinationName='([^']+)'.*dlqName='([^']*)'.*");

    private final long intervalMillis;
    private final Map<String, Map<String, Integer>> places = new HashMap<>();
    private final Map<String, Integer> samples = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;
    private int rounds;

    StageProfiler(long intervalMillis) {
        this.intervalMillis = intervalMillis;
        this.sampler = new Thread(this::sample, "bench-stage-profiler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        while (running) {
            var stacks = Thread.getAllStackTraces();
            synchronized (this) {
                rounds++;
                stacks.forEach((thread, stack) -> {
                    if (STAGE.matcher(thread.getName()).find()) {
                        var stage = stage(thread.getName());
                        samples.merge(stage, 1, Integer::sum);
                        places.computeIfAbsent(stage, s -> new HashMap<>()).merge(place(stack), 1, Integer::sum);
                    }
                });
            }
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The consumer's topic and its DLQ (which names its group), or the pool's name without thread numbers. */
    static String stage(String threadName) {
        var destination = DESTINATION.matcher(threadName);
        if (destination.matches()) {
            return destination.group(1) + " consumer (dlq " + (destination.group(2).equals("null") ? "none" : destination.group(2)) + ")";
        }
        return threadName.replaceAll("\\d+", "N");
    }

    /** "innermost DESAYRE method → the library call it made [top frame]", or "idle" / the top frame outside our code. */
    static String place(StackTraceElement[] stack) {
        if (stack.length == 0) {
            return "(no stack)";
        }
        for (int i = 0; i < stack.length; i++) {
            var frame = stack[i];
            if (frame.getClassName().startsWith("com.desayre.") && !frame.getClassName().contains("$$")) {
                var called = i > 0 ? " → " + shortName(stack[i - 1]) : "";
                return shortName(frame) + called + " [" + shortName(stack[0]) + "]";
            }
        }
        for (var frame : stack) {
            if (frame.getClassName().endsWith(".KafkaConsumer") || frame.getClassName().endsWith("ClassicKafkaConsumer")
                    || frame.getClassName().endsWith("AsyncKafkaConsumer")) {
                return "idle (polling for records)";
            }
        }
        return "outside DESAYRE [" + shortName(stack[0]) + "]";
    }

    private static String shortName(StackTraceElement frame) {
        var type = frame.getClassName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethodName();
    }

    /** Stops sampling; the profile as text, stages with the most samples first, {@code top} places each. */
    synchronized String report(int top) {
        running = false;
        sampler.interrupt();
        var out = new StringBuilder(String.format(Locale.ROOT,
                "Wall-clock profile of the stages: %d samples every %d ms (share of each thread group's samples)%n",
                rounds, intervalMillis));
        var stages = new ArrayList<>(samples.keySet());
        stages.sort(Comparator.comparing((String s) -> busy(s)).reversed());
        for (var stage : stages) {
            int total = samples.get(stage);
            out.append(String.format(Locale.ROOT, "  %s: %d samples, %.0f%% in DESAYRE code%n", stage, total, 100.0 * busy(stage) / total));
            List<Map.Entry<String, Integer>> byCount = new ArrayList<>(places.get(stage).entrySet());
            byCount.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
            for (var place : byCount.subList(0, Math.min(top, byCount.size()))) {
                out.append(String.format(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * place.getValue() / total, place.getKey()));
            }
        }
        return out.toString();
    }

    /** Samples of {@code stage} outside the consumer's poll and outside an idle pool's wait. */
    private int busy(String stage) {
        return places.get(stage).entrySet().stream()
                .filter(e -> !e.getKey().startsWith("idle") && !e.getKey().startsWith("outside DESAYRE"))
                .mapToInt(Map.Entry::getValue).sum();
    }

    @Override
    public synchronized void close() {
        running = false;
        sampler.interrupt();
    }
}
