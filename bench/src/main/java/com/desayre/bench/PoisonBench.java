package com.desayre.bench;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.providersim.SimulatorSettings;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One bad integration among good users: valid image jobs sent over REST at a fixed rate, once alone (the clean round)
 * and once with {@code --bad} records that can never succeed interleaved on {@code generation.requested} (the poisoned
 * round), through every service in one JVM as {@code ./desayre up} runs them. A warm-up round goes first so neither
 * measured round pays for the JIT. It checks what a crowd needs from poison isolation: every valid job completes
 * with its prompt in history, each bad record lands on {@code generation.requested.dlq} exactly once (and on no other
 * DLQ more than once), every consumer group's lag returns to 0; and it prints the valid jobs' end-to-end p50/p99 in
 * both rounds and their ratio, then one machine-readable {@code poison: …} line.
 *
 * <pre>./desayre bench poison [--valid=1000] [--bad=100] [--rate=5] [--latency-ms=300] [--slots=10] [--warmup=100]</pre>
 */
final class PoisonBench {
    private static final String OWNER = "poison-owner";
    private static final String BAD_KEY = "poison-";

    record Options(int valid, int bad, int rate, int latencyMs, int slots, int warmup) {
        static final String USAGE = """
                usage: ./desayre bench poison [--valid=N] [--bad=B] [--rate=R] [--latency-ms=L] [--slots=S] [--warmup=W]
                  --valid       valid image jobs per measured round, over REST      (default 1000)
                  --bad         bad records interleaved in the poisoned round      (default 100; 11 kinds, round robin)
                  --rate        valid jobs sent per second (fixed rate, both rounds) (default 5)
                  --latency-ms  the simulator's time per image                     (default 300)
                  --slots       jobs the image-worker keeps at the provider        (default 10)
                  --warmup      valid jobs sent before the measured rounds         (default 100)
                """;

        static Options parse(String[] args) {
            var values = new TreeMap<String, Integer>();
            for (var arg : args) {
                if (!arg.startsWith("--") || !arg.contains("=") || !USAGE.contains(arg.substring(0, arg.indexOf('=')) + " ")) {
                    throw new IllegalArgumentException("unknown argument: " + arg);
                }
                var value = Integer.parseInt(arg.substring(arg.indexOf('=') + 1));
                if (value < 0 || value == 0 && !arg.startsWith("--warmup") && !arg.startsWith("--bad")) {
                    throw new IllegalArgumentException(arg + ": out of range");
                }
                values.put(arg.substring(2, arg.indexOf('=')), value);
            }
            return new Options(values.getOrDefault("valid", 1000), values.getOrDefault("bad", 100), values.getOrDefault("rate", 5),
                    values.getOrDefault("latency-ms", 300), values.getOrDefault("slots", 10), values.getOrDefault("warmup", 100));
        }
    }

    /** A bad record of one kind; {@code i} makes it unique. Each is a record no delivery can ever make succeed. */
    record BadKind(String name, IntFunction<byte[]> value) {
    }

    /** One valid job as this bench saw it; times are {@link System#nanoTime()}. */
    private static final class Job {
        final String prompt;
        volatile long sentAt;
        volatile long endedAt;
        volatile JobStatus end;
        volatile String errorCode;

        Job(String prompt) {
            this.prompt = prompt;
        }
    }

    private final Options options;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    private StudioClient studio;
    private String token;

    private PoisonBench(Options options) {
        this.options = options;
    }

    static void run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(Options.USAGE);
            return;
        }
        new PoisonBench(Options.parse(args)).measure();
    }

    private void measure() throws Exception {
        say("%d valid jobs per round at %d/s over REST; %d bad records of %d kinds in the poisoned round; simulator %d ms per"
                        + " image, %d provider slots", options.valid(), options.rate(), options.bad(), badKinds().size(),
                options.latencyMs(), options.slots());
        var simulator = SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC)
                .withLatency(Duration.ofMillis(options.latencyMs())).withQueueLimit(options.slots());
        try (var studioRun = BenchStudio.start("poison", simulator,
                        Map.of("resilience4j.bulkhead.instances.modelslabs.max-concurrent-calls", options.slots()), Map.of());
             var follower = new StatusFollower(studioRun.bootstrapServers(), "bench-poison-follower", this::seen);
             var producer = producer(studioRun.bootstrapServers())) {
            studio = studioRun.client();
            token = studio.newMember(studioRun.adminToken(), OWNER);
            follower.awaitPositioned();
            if (options.warmup() > 0) {
                var warm = round("warm-up", options.warmup(), 0, producer, follower);
                say("warm-up: %d jobs, p99 %.0f ms", options.warmup(), warm.p99());
            }
            var clean = round("clean", options.valid(), 0, producer, follower);
            say("clean round: p50 %.0f ms, p99 %.0f ms, %d not completed", clean.p50(), clean.p99(), clean.notCompleted());
            var poisoned = round("poisoned", options.valid(), options.bad(), producer, follower);
            say("poisoned round: p50 %.0f ms, p99 %.0f ms, %d not completed", poisoned.p50(), poisoned.p99(),
                    poisoned.notCompleted());
            report(clean, poisoned, studioRun.bootstrapServers());
        }
    }

    record Round(List<String> jobIds, List<String> badKeys, double p50, double p99, int notCompleted) {
    }

    /** Sends {@code valid} jobs at the fixed rate, with {@code bad} records spread evenly among them, and waits for every valid job. */
    private Round round(String name, int valid, int bad, KafkaProducer<String, byte[]> producer, StatusFollower follower)
            throws Exception {
        var kinds = badKinds();
        var ids = new ArrayList<String>();
        var badKeys = new ArrayList<String>();
        var answers = new ArrayList<java.util.concurrent.CompletableFuture<?>>();
        long interval = TimeUnit.SECONDS.toNanos(1) / options.rate();
        long first = System.nanoTime();
        int badSent = 0;
        for (int i = 0; i < valid; i++) {
            long due = first + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            // the bad records fall evenly between valid ones, so every valid job after the first bad one shares the partitions with them
            while (badSent < bad && (long) badSent * valid <= (long) i * bad) {
                var kind = kinds.get(badSent % kinds.size());
                var key = BAD_KEY + name + "-" + badSent + "-" + kind.name();
                producer.send(new ProducerRecord<>(Topics.REQUESTED, key, kind.value().apply(badSent))).get(10, TimeUnit.SECONDS);
                badKeys.add(key);
                badSent++;
            }
            var prompt = name + " " + i + ": a lighthouse at dusk, waves on the rocks";
            var body = StudioClient.json(Map.of("prompt", prompt, "seed", i));
            long sent = System.nanoTime();
            answers.add(studio.http().sendAsync(studio.post("/api/generate/image", body, token), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> accepted(prompt, sent, response, error, ids)));
        }
        java.util.concurrent.CompletableFuture.allOf(answers.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(2, TimeUnit.MINUTES);
        if (!refusals.isEmpty()) {
            throw new IllegalStateException("the gateway refused valid jobs: " + refusals);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120 + valid / Math.max(1, options.rate()));
        while (System.nanoTime() < until && ids.stream().anyMatch(id -> jobs.get(id).end == null)) {
            follower.check();
            Thread.sleep(200);
        }
        var nanos = new ArrayList<Long>();
        int notCompleted = 0;
        for (var id : ids) {
            var job = jobs.get(id);
            if (job.end == JobStatus.COMPLETED) {
                nanos.add(job.endedAt - job.sentAt);
            } else {
                notCompleted++;
            }
        }
        var latencies = nanos.stream().mapToLong(Long::longValue).toArray();
        return new Round(ids, badKeys, Stats.percentileMillis(latencies, 50), Stats.percentileMillis(latencies, 99), notCompleted);
    }

    private void accepted(String prompt, long sent, HttpResponse<String> response, Throwable error, List<String> ids) {
        if (error != null || response.statusCode() != 202) {
            refusals.put(prompt, error != null ? error.toString() : "HTTP " + response.statusCode() + " " + response.body());
            return;
        }
        var jobId = EventJson.mapper().readTree(response.body()).get("jobId").asString();
        var job = new Job(prompt);
        job.sentAt = sent;
        // the follower may have seen the job end before its 202 arrived
        var seenFirst = jobs.putIfAbsent(jobId, job);
        if (seenFirst != null) {
            job.end = seenFirst.end;
            job.endedAt = seenFirst.endedAt;
            job.errorCode = seenFirst.errorCode;
            jobs.put(jobId, job);
        }
        synchronized (ids) {
            ids.add(jobId);
        }
    }

    private void seen(StatusChanged event, long now) {
        if (!event.status().isTerminal()) {
            return;
        }
        var job = jobs.computeIfAbsent(event.jobId(), id -> new Job(null));
        synchronized (job) {
            if (job.end == null) {
                job.errorCode = event.error() == null ? null : event.error().code();
                job.endedAt = now;
                job.end = event.status();
            }
        }
    }

    // ---- the checks ----

    private void report(Round clean, Round poisoned, String bootstrap) throws Exception {
        int withPrompt = promptsInHistory(poisoned.jobIds());
        var dlqs = dlqCounts(bootstrap, Set.copyOf(poisoned.badKeys()));
        var requestDlq = dlqs.getOrDefault(Topics.dlq(Topics.REQUESTED), Map.of());
        long once = poisoned.badKeys().stream().filter(key -> requestDlq.getOrDefault(key, 0) == 1).count();
        long twiceAnywhere = dlqs.values().stream().flatMap(counts -> counts.values().stream()).filter(n -> n > 1).count();
        var lag = lagAfter(bootstrap, Duration.ofSeconds(60));
        long totalLag = lag.values().stream().mapToLong(Long::longValue).sum();
        double ratio = poisoned.p99() / clean.p99();

        System.out.println();
        System.out.printf(Locale.ROOT, "valid jobs      clean %d, %d not completed · poisoned %d, %d not completed; prompt in history"
                + " %d of %d%n", clean.jobIds().size(), clean.notCompleted(), poisoned.jobIds().size(), poisoned.notCompleted(),
                withPrompt, poisoned.jobIds().size());
        System.out.printf(Locale.ROOT, "bad records     %d sent (%s); on %s exactly once: %d; on a DLQ more than once: %d%n",
                poisoned.badKeys().size(), badKinds().stream().map(BadKind::name).collect(Collectors.joining(", ")),
                Topics.dlq(Topics.REQUESTED), once, twiceAnywhere);
        dlqs.forEach((dlq, counts) -> System.out.printf(Locale.ROOT, "                %s holds %d of them%n", dlq, counts.size()));
        System.out.printf(Locale.ROOT, "consumer lag    %d after the round %s%n", totalLag, totalLag == 0 ? "" : lag);
        System.out.printf(Locale.ROOT, "latency         clean p50 %.0f ms, p99 %.0f ms · poisoned p50 %.0f ms, p99 %.0f ms"
                + " (POST sent -> COMPLETED seen)%n", clean.p50(), clean.p99(), poisoned.p50(), poisoned.p99());
        System.out.printf(Locale.ROOT, "poison: valid=%d completed=%d with_prompt=%d bad=%d dlq_once=%d dlq_duplicates=%d lag=%d"
                        + " p99_clean_ms=%.0f p99_poisoned_ms=%.0f p99_ratio=%.2f%n", poisoned.jobIds().size(),
                poisoned.jobIds().size() - poisoned.notCompleted(), withPrompt, poisoned.badKeys().size(), once, twiceAnywhere,
                totalLag, clean.p99(), poisoned.p99(), ratio);
    }

    /** How many of these jobs show the prompt they were sent with in {@code GET /api/history/{jobId}}. */
    private int promptsInHistory(List<String> jobIds) throws Exception {
        int found = 0;
        for (var id : jobIds) {
            var answer = studio.get("/api/history/" + id, token);
            if (answer.statusCode() == 200) {
                var prompt = EventJson.mapper().readTree(answer.body()).path("job").path("prompt").asString(null);
                if (jobs.get(id).prompt.equals(prompt)) {
                    found++;
                }
            }
        }
        return found;
    }

    /** Per DLQ topic, how many times each bad record's key is on it. */
    private static Map<String, Map<String, Integer>> dlqCounts(String bootstrap, Set<String> badKeys) {
        var dlqs = Topics.all().stream().filter(topic -> topic.endsWith(".dlq")).toList();
        var counts = new TreeMap<String, Map<String, Integer>>();
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = new ArrayList<TopicPartition>();
            dlqs.forEach(dlq -> consumer.partitionsFor(dlq).forEach(p -> partitions.add(new TopicPartition(dlq, p.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < until) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && badKeys.contains(record.key())) {
                        counts.computeIfAbsent(record.topic(), t -> new TreeMap<>()).merge(record.key(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    /** Every named consumer group's lag per topic, waited for until it is 0 or {@code patience} is over. */
    private static Map<String, Long> lagAfter(String bootstrap, Duration patience) throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long until = System.nanoTime() + patience.toNanos();
            while (true) {
                var lag = new TreeMap<String, Long>();
                for (var group : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
                    if (group.groupId().startsWith("anonymous.")) {
                        continue; // a gateway's per-instance fan-out: it starts at the end and commits nothing worth reading
                    }
                    var committed = admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS);
                    var specs = new HashMap<TopicPartition, OffsetSpec>();
                    committed.keySet().forEach(p -> specs.put(p, OffsetSpec.latest()));
                    var ends = admin.listOffsets(specs).all().get(10, TimeUnit.SECONDS);
                    committed.forEach((partition, offset) -> {
                        if (offset != null) {
                            lag.merge(group.groupId() + "/" + partition.topic(), ends.get(partition).offset() - offset.offset(), Long::sum);
                        }
                    });
                }
                if (lag.values().stream().allMatch(n -> n == 0) || System.nanoTime() > until) {
                    return lag;
                }
                Thread.sleep(500);
            }
        }
    }

    // ---- bad records ----

    /** Eleven kinds of record that no delivery can make succeed; each is unique by {@code i}. */
    static List<BadKind> badKinds() {
        return List.of(
                new BadKind("not-json", i -> utf8("this is not json " + i + " {")),
                new BadKind("empty", i -> new byte[0]),
                new BadKind("tombstone", i -> null),
                new BadKind("missing-spec", i -> utf8("{\"schemaVersion\":1,\"eventId\":\"" + UUID.randomUUID() + "\",\"jobId\":\""
                        + UUID.randomUUID() + "\",\"occurredAt\":\"2026-12-03T09:00:00Z\"}")),
                new BadKind("wrong-types", i -> edited(i, json -> json.replace("\"width\":1024", "\"width\":\"wide\""))),
                new BadKind("nul-in-prompt", i -> request(i, "a lighthouse\u0000 at dusk " + i, "1:1", UUID.randomUUID().toString(), OWNER)),
                // under the broker's 1 MB record limit (a 2 MB record never reaches the topic: the producer is refused),
                // far over the prompt limit
                new BadKind("huge", i -> request(i, "a lighthouse at dusk ".repeat(40_000), "1:1", UUID.randomUUID().toString(), OWNER)),
                new BadKind("unknown-owner", i -> request(i, "a lighthouse at dusk " + i, "1:1", UUID.randomUUID().toString(),
                        "nobody-" + i)),
                new BadKind("bad-job-id", i -> request(i, "a lighthouse at dusk " + i, "1:1", i % 2 == 0 ? "../../etc/evil" : "a b?c#d", OWNER)),
                new BadKind("unknown-enum", i -> edited(i, json -> json.replace("\"kind\":\"IMAGE\"", "\"kind\":\"HOLOGRAM\""))),
                new BadKind("bad-size", i -> edited(i, json -> json.replace("\"width\":1024", "\"width\":99999"))));
    }

    private static byte[] request(int i, String prompt, String aspectRatio, String jobId, String owner) {
        var spec = new JobSpec(owner, JobKind.IMAGE, prompt, aspectRatio, 1024, 1024, (long) i, null, true, Priority.INTERACTIVE, null);
        return EventJson.write(GenerationRequested.of(jobId, spec));
    }

    private static byte[] edited(int i, java.util.function.UnaryOperator<String> edit) {
        var json = new String(request(i, "a lighthouse at dusk " + i, "1:1", UUID.randomUUID().toString(), OWNER), StandardCharsets.UTF_8);
        var changed = edit.apply(json);
        if (changed.equals(json)) {
            throw new IllegalStateException("the bad record's edit changed nothing: " + json);
        }
        return utf8(changed);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[poison] " + format + "%n", args);
    }
}
