package com.desayre.bench;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.S3MockServer;
import com.desayre.embedded.SpringProperties;
import com.desayre.storage.StorageSinkApplication;
import com.desayre.testsupport.PngEncoder;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.WebApplicationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * storage-sink's throughput in 1 MB images per second against raw S3 PutObject of the same bytes to
 * the same S3Mock, in the same run, alternating rounds. The sink is the real service on the real
 * embedded broker, PostgreSQL and S3Mock: per record it downloads the image from a loopback HTTP
 * server, hashes and checks it, stores it and a thumbnail, writes its row and publishes STORING and
 * COMPLETED. It is rated from publishing its first record to its last COMPLETED status, for records
 * published once it has joined its group. One sink serves the whole run, as in production; a warm-up
 * round on both sides comes first and does not count. The raw side puts the same bytes from memory
 * with {@code --raw-concurrency} puts in flight. CPU per image is printed too: on a shared machine it
 * moves less with the load than a rate does.
 * {@code ./desayre bench sink [--records=N] [--rounds=R] [--warmup=N] [--split-cores] [--raw-concurrency=C]}
 */
final class SinkBench {
    private static final String BUCKET = "desayre-media";
    private static final int TARGET_BYTES = 1 << 20;

    static void run(String[] args) throws Exception {
        var records = 600;
        var rounds = 3;
        var rawConcurrency = 4;
        var warmup = 600;
        var splitCores = false;
        var sinkProperties = new HashMap<String, String>();
        for (var arg : args) {
            if (arg.startsWith("--records=")) {
                records = Integer.parseInt(arg.substring("--records=".length()));
            } else if (arg.startsWith("--rounds=")) {
                rounds = Integer.parseInt(arg.substring("--rounds=".length()));
            } else if (arg.equals("--split-cores")) {
                splitCores = true;
            } else if (arg.startsWith("--warmup=")) {
                warmup = Integer.parseInt(arg.substring("--warmup=".length()));
            } else if (arg.startsWith("--raw-concurrency=")) {
                rawConcurrency = Integer.parseInt(arg.substring("--raw-concurrency=".length()));
            } else if (arg.startsWith("--sink.")) {
                // any storage-sink property, e.g. --sink.spring.cloud.stream.bindings.storeMedia-in-0.consumer.concurrency=3
                var property = arg.substring("--sink.".length());
                sinkProperties.put(property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("unknown argument: " + arg);
            }
        }
        var image = pngOfAboutOneMegabyte();
        System.out.printf(Locale.ROOT, "image: 1024x1024 PNG of %,d bytes%n", image.length);
        var data = Files.createTempDirectory("bench-sink");
        try (var kafka = KafkaBroker.start(0, data.resolve("kafka"));
             var postgres = PostgresServer.start(0, data.resolve("postgres"));
             var s3 = S3MockServer.start(0, data.resolve("s3"), List.of(BUCKET));
             var source = new Source(image);
             var raw = client(s3)) {
            kafka.createTopics(Topics.all(), 3);
            Cpu.postgresData = data.resolve("postgres").toString();
            if (splitCores) {
                splitCores();
            }
            var properties = new HashMap<String, String>(SpringProperties.kafka(kafka));
            properties.putAll(SpringProperties.postgres(postgres, PostgresServer.DEFAULT_DATABASE));
            properties.putAll(s3.springProperties(BUCKET));
            properties.put("desayre.data-dir", data.resolve("desayre").toString());
            properties.putAll(sinkProperties);
            double bestRaw = 0;
            double bestSink = 0;
            // one sink for the whole run, as in production: a round measures a running service, not its start-up or
            // the JIT compiling what its start-up loaded; round 0 warms both sides up and does not count
            try (var ignored = StorageSinkApplication.builder().web(WebApplicationType.NONE)
                    .run(SpringProperties.asArguments(properties))) {
                awaitConsumers(kafka, "storage-sink");
                for (int round = 0; round <= rounds; round++) {
                    var count = round == 0 ? warmup : records;
                    if (count == 0) {
                        continue;
                    }
                    // S3Mock rewrites a bucket's whole key list on every put, so a put costs more the fuller the bucket:
                    // each side starts from an empty bucket, or the one measured second pays for the other's objects
                    emptyBucket(raw);
                    var before = Cpu.now();
                    var rawRate = putRaw(raw, image, count, rawConcurrency, round);
                    var rawCpu = Cpu.now().minus(before).perImage(count);
                    emptyBucket(raw);
                    var from = EncoderServiceBench.endOffsets(kafka, Topics.STATUS);
                    before = Cpu.now();
                    var threadsBefore = ThreadCpu.now();
                    var published = System.currentTimeMillis();
                    var jobIds = preload(kafka, source, count, round);
                    var sinkRate = completedPerSecond(kafka, from, jobIds, published);
                    var sinkCpu = Cpu.now().minus(before).perImage(count);
                    var sinkThreads = ThreadCpu.now().minus(threadsBefore);
                    try (var db = postgres.dataSource(PostgresServer.DEFAULT_DATABASE).getConnection()) {
                        System.out.printf(Locale.ROOT, "%s: raw %.1f/s, sink %.1f/s (%.2f); media rows %d of %d%n",
                                round == 0 ? "warm-up" : "round " + round, rawRate, sinkRate, sinkRate / rawRate,
                                mediaRows(db, round), count);
                        System.out.printf("  CPU ms per image, raw: %s; sink: %s%n", rawCpu, sinkCpu);
                        System.out.printf("  sink side, this JVM's CPU ms per image by thread: %s%n",
                                sinkThreads.perImage(count, sinkCpu.jvm()));
                    }
                    if (round > 0) {
                        bestRaw = Math.max(bestRaw, rawRate);
                        bestSink = Math.max(bestSink, sinkRate);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%n%-52s %10s%n%-52s %10.1f%n%-52s %10.1f%n%nstorage-sink / raw PutObject: %.2f%n",
                    "best of " + rounds + " alternating rounds, " + records + " images each", "images/s",
                    "raw S3 PutObject (" + rawConcurrency + " in flight, from memory)", bestRaw,
                    "storage-sink (fetch, check, store, thumbnail, row)", bestSink, bestSink / bestRaw);
        } finally {
            PipelineBench.deleteRecursively(data);
        }
    }

    /**
     * A 1024x1024 RGB PNG of about 1 MB: a gradient under a band of noise as tall as it takes, each row
     * filtered as libpng would (ImageIO's writer leaves every RGB row unfiltered, which a decoder
     * undoes for free and providers' encoders do not do).
     */
    static byte[] pngOfAboutOneMegabyte() {
        int low = 0;
        int high = 1024;
        while (low < high) {
            int rows = (low + high) / 2;
            if (png(rows).length < TARGET_BYTES) {
                low = rows + 1;
            } else {
                high = rows;
            }
        }
        return png(low);
    }

    private static byte[] png(int noisyRows) {
        var random = new Random(42);
        var samples = new byte[1024 * 1024 * 3];
        for (int y = 0, at = 0; y < 1024; y++) {
            for (int x = 0; x < 1024; x++) {
                var noise = y < noisyRows ? random.nextInt() & 0x3f3f3f : 0;
                samples[at++] = (byte) ((x / 4) ^ (noise >> 16));
                samples[at++] = (byte) ((y / 4) ^ (noise >> 8 & 0xff));
                samples[at++] = (byte) (((x + y) / 8) ^ (noise & 0xff));
            }
        }
        return PngEncoder.encode(1024, 1024, PngEncoder.RGB, 8, samples, null, null, PngEncoder.Filters.ADAPTIVE, 64 * 1024);
    }

    private static S3AsyncClient client(S3MockServer s3) {
        // as the platform's S3MediaStore builds its client
        return S3AsyncClient.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .region(Region.of(S3MockServer.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3MockServer.ACCESS_KEY_ID, S3MockServer.SECRET_ACCESS_KEY)))
                .forcePathStyle(true)
                .multipartEnabled(true)
                .build();
    }

    /** Puts {@code records} copies with {@code concurrency} in flight; objects per second, first put to last answer. */
    private static double putRaw(S3AsyncClient s3, byte[] image, int records, int concurrency, int round) throws Exception {
        var slots = new Semaphore(concurrency);
        var puts = new ArrayList<CompletableFuture<?>>();
        var started = System.nanoTime();
        for (int i = 0; i < records; i++) {
            slots.acquire();
            var key = "raw/r" + round + "/" + i + ".png";
            puts.add(s3.putObject(b -> b.bucket(BUCKET).key(key).contentType("image/png"), AsyncRequestBody.fromBytes(image))
                    .whenComplete((response, error) -> slots.release()));
        }
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
        var seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "raw PutObject: %d objects in %.1f s%n", records, seconds);
        return records / seconds;
    }

    /**
     * {@code --split-cores}: this JVM (broker, CDN, sink or raw client) on the first half of the CPUs,
     * S3Mock and PostgreSQL on the other half, as R2 and a database server never share the sink's CPUs.
     * On shared cores every S3Mock put takes CPU from the sink, and the ratio is one of total CPU per
     * image; split, each side is limited by its own work. Both sides run on the same split.
     */
    private static void splitCores() throws Exception {
        var cpus = Runtime.getRuntime().availableProcessors();
        if (cpus < 2) {
            throw new IllegalStateException("--split-cores needs at least 2 CPUs; this machine has " + cpus);
        }
        var half = cpus / 2;
        var servers = ProcessHandle.current().descendants().filter(p -> Cpu.commandLine(p).contains("s3mock")).toList();
        var postgres = ProcessHandle.allProcesses().filter(p -> Cpu.commandLine(p).contains(Cpu.postgresData)).toList();
        for (var server : servers) {
            pin(server.pid(), half + "-" + (cpus - 1));
        }
        for (var server : postgres) {
            pin(server.pid(), half + "-" + (cpus - 1));
            for (var backend : server.descendants().toList()) {
                pin(backend.pid(), half + "-" + (cpus - 1));
            }
        }
        pin(ProcessHandle.current().pid(), "0-" + (half - 1));
        System.out.printf("split cores: this JVM on CPU 0-%d; S3Mock (%d) and PostgreSQL (%d processes) on CPU %d-%d%n",
                half - 1, servers.size(), postgres.size(), half, cpus - 1);
    }

    /** Every thread of the process to the given CPUs (taskset, util-linux; new threads inherit it). */
    private static void pin(long pid, String cpus) throws Exception {
        var taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!taskset.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            taskset.destroyForcibly();
            throw new IllegalStateException("taskset did not answer within 30 s");
        }
        if (taskset.exitValue() != 0) {
            throw new IllegalStateException("taskset could not pin process " + pid + " to CPUs " + cpus);
        }
    }

    private static void emptyBucket(S3AsyncClient s3) {
        for (int page = 0; page < 10_000; page++) { // a bound: each page deletes up to 1,000 objects
            var listed = s3.listObjectsV2(b -> b.bucket(BUCKET).maxKeys(1000)).join();
            if (listed.contents().isEmpty()) {
                return;
            }
            var keys = listed.contents().stream().map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
            var deleted = s3.deleteObjects(b -> b.bucket(BUCKET).delete(d -> d.objects(keys).quiet(true))).join();
            if (!deleted.errors().isEmpty()) {
                throw new IllegalStateException("S3Mock did not delete " + deleted.errors().get(0).key() + ": "
                        + deleted.errors().get(0).message());
            }
        }
        throw new IllegalStateException("bucket " + BUCKET + " did not empty");
    }

    private static List<String> preload(KafkaBroker kafka, Source source, int records, int round) throws Exception {
        var jobIds = new ArrayList<String>();
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class, ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int i = 0; i < records; i++) {
                var jobId = "bench-sink-r" + round + "-" + i;
                var spec = new JobSpec("bench", JobKind.IMAGE, "a bench image #" + i, "1:1", 1024, 1024, (long) i, null, true,
                        Priority.INTERACTIVE, null);
                var ready = MediaReady.of(jobId, spec, new Route("modelslabs", "nano-banana-pro", Priority.INTERACTIVE),
                        List.of(source.url(jobId)), "bench-" + i, (long) i, 10);
                producer.send(new ProducerRecord<>(Topics.MEDIA_READY, jobId.getBytes(StandardCharsets.UTF_8), EventJson.write(ready)));
                jobIds.add(jobId);
            }
            producer.flush();
        }
        return jobIds;
    }

    /** Waits until the consumer group has members with partitions assigned. */
    private static void awaitConsumers(KafkaBroker kafka, String group) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                if (description.groupState() == org.apache.kafka.common.GroupState.STABLE
                        && description.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum() > 0) {
                    return;
                }
                Thread.sleep(100); // polling the broker's view; nothing to be notified by
            }
            throw new IllegalStateException("consumer group " + group + " did not become stable");
        }
    }

    /**
     * The given jobs per second, from the first record's publishing to the last COMPLETED status's own
     * timestamp (this JVM's clock both), as raw is rated from its first put to its last answer.
     */
    private static double completedPerSecond(KafkaBroker kafka, Map<org.apache.kafka.common.TopicPartition, Long> from,
                                             List<String> jobIds, long published) {
        var waiting = new HashSet<>(jobIds);
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long last = Long.MIN_VALUE;
            var deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    var status = EventJson.read(record.value(), StatusChanged.class);
                    if (status.status() == JobStatus.COMPLETED && waiting.remove(status.jobId())) {
                        last = Math.max(last, record.timestamp());
                    } else if (status.status() == JobStatus.FAILED && waiting.contains(status.jobId())) {
                        throw new IllegalStateException("job " + status.jobId() + " failed: " + status.message());
                    }
                }
            }
            var seen = jobIds.size() - waiting.size();
            if (!waiting.isEmpty()) {
                System.out.printf("storage-sink: only %d of %d jobs completed within 10 minutes%n", seen, jobIds.size());
            }
            var seconds = Math.max(1, last - published) / 1000.0;
            System.out.printf(Locale.ROOT, "storage-sink: %d jobs completed in %.1f s%n", seen, seconds);
            return seen / seconds;
        }
    }

    private static long mediaRows(Connection db, int round) throws Exception {
        try (var statement = db.prepareStatement("select count(*) from media where job_id like ?")) {
            statement.setString(1, "bench-sink-r" + round + "-%");
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * CPU time of this JVM (the broker, the CDN, the sink or the raw client) and of its child
     * processes (S3Mock, PostgreSQL): on a shared machine a ratio of rates moves with the load, CPU
     * per image much less.
     */
    record Cpu(double jvm, double s3mock, double postgres) {
        static volatile String postgresData;

        /** PostgreSQL is found by its data folder: pg_ctl starts it detached, so it is no child of this JVM. */
        static Cpu now() {
            double s3mock = 0;
            for (var child : ProcessHandle.current().descendants().toList()) {
                if (commandLine(child).contains("s3mock")) {
                    s3mock += cpuMillis(child);
                }
            }
            double postgres = 0;
            var postmasters = ProcessHandle.allProcesses()
                    .filter(p -> postgresData != null && commandLine(p).contains(postgresData)).toList();
            for (var postmaster : postmasters) {
                postgres += cpuMillis(postmaster) + postmaster.descendants().mapToLong(Cpu::cpuMillis).sum();
            }
            return new Cpu(cpuMillis(ProcessHandle.current()), s3mock, postgres);
        }

        private static long cpuMillis(ProcessHandle process) {
            return process.info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
        }

        static String commandLine(ProcessHandle process) {
            var info = process.info();
            return info.command().orElse("") + " " + String.join(" ", info.arguments().orElse(new String[0]));
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(jvm - earlier.jvm, s3mock - earlier.s3mock, postgres - earlier.postgres);
        }

        Cpu perImage(int images) {
            return new Cpu(jvm / images, s3mock / images, postgres / images);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "JVM %.1f, S3Mock %.1f, PostgreSQL %.1f", jvm, s3mock, postgres);
        }
    }

    /**
     * CPU time of this JVM's threads, grouped by name with numbers left out: where the sink's CPU goes
     * (its consumer threads, the S3 client's event loops, the R2DBC driver, the broker, the CDN). The
     * JVM's own threads (JIT, GC) are what is left of the process's total.
     */
    record ThreadCpu(Map<String, Long> nanosByGroup, long compilingMillis, long gcMillis) {
        static ThreadCpu now() {
            var compiling = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            var gc = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            var byGroup = new HashMap<String, Long>();
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null) {
                    var nanos = threads.getThreadCpuTime(info.getThreadId());
                    if (nanos > 0) {
                        byGroup.merge(group(info.getThreadName()), nanos, Long::sum);
                    }
                }
            }
            return new ThreadCpu(byGroup, compiling, gc);
        }

        private static String group(String thread) {
            if (thread.startsWith("KafkaConsumerDestination")) {
                var topic = thread.replaceAll(".*consumerDestinationName='([^']*)'.*", "$1");
                return (topic.equals(Topics.MEDIA_READY) ? "sink consumers (" : "sink consumer (") + topic + ")";
            }
            return thread.replaceAll("\\d+", "N");
        }

        ThreadCpu minus(ThreadCpu earlier) {
            var difference = new HashMap<String, Long>();
            nanosByGroup.forEach((group, nanos) -> difference.put(group, nanos - earlier.nanosByGroup.getOrDefault(group, 0L)));
            return new ThreadCpu(difference, compilingMillis - earlier.compilingMillis, gcMillis - earlier.gcMillis);
        }

        /** The biggest groups, in ms per image, then the JVM's own threads as the rest of {@code jvmMillisPerImage}. */
        String perImage(int images, double jvmMillisPerImage) {
            var out = new StringBuilder();
            double listed = 0;
            var sorted = nanosByGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
            for (var entry : sorted) {
                var millis = entry.getValue() / 1e6 / images;
                listed += millis;
                if (millis >= 0.5) {
                    out.append(String.format(Locale.ROOT, "%n    %6.1f  %s", millis, entry.getKey()));
                }
            }
            out.append(String.format(Locale.ROOT, "%n    %6.1f  (threads under 0.5 ms each)"
                            + "%n    %6.1f  JVM's own threads (JIT compiling %.1f ms, GC pauses %.1f ms)",
                    listed - sorted.stream().mapToDouble(e -> e.getValue() / 1e6 / images).filter(m -> m >= 0.5).sum(),
                    jvmMillisPerImage - listed, (double) compilingMillis / images, (double) gcMillis / images));
            return out.toString();
        }
    }

    /** The provider's CDN: the same PNG at any path, from memory, on loopback. */
    private static final class Source implements AutoCloseable {
        private final HttpServer server;

        Source(byte[] image) throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getResponseHeaders().add("Content-Type", "image/png");
                    exchange.sendResponseHeaders(200, image.length);
                    exchange.getResponseBody().write(image);
                }
            });
            server.start();
        }

        String url(String jobId) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + jobId + ".png";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private SinkBench() {
    }
}
