package com.desayre.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The client side of {@link GatewayBench}'s SSE part, run as its own JVM: opens N
 * {@code text/event-stream} connections (non-blocking, one event loop), and for every status
 * whose message is {@code bench:<nanoTime at publish>} records how long it took to arrive.
 * Talks to the parent over stdout ({@code CONNECTED n}, {@code RECEIVED n}, {@code RESULT …})
 * and stdin ({@code REPORT}).
 */
final class SseClients {
    private static final String MARK = "bench:";

    static void run(String[] args) throws Exception {
        var url = args[0];
        var token = args[1];
        int count = Integer.parseInt(args[2]);
        var latencies = new long[count * 64];
        var received = new AtomicLong();
        var connected = new AtomicInteger();
        var failed = new AtomicInteger();
        var client = HttpClient.create(ConnectionProvider.newConnection())
                .runOn(LoopResources.create("sse-client", 2, true))
                .headers(h -> h.add("Authorization", "Bearer " + token).add("Accept", "text/event-stream"));
        for (int i = 0; i < count; i++) {
            var lines = new StringBuilder();
            client.get().uri(url).responseContent().asString()
                    .subscribe(chunk -> {
                        long now = System.nanoTime();
                        lines.append(chunk);
                        int end;
                        while ((end = lines.indexOf("\n")) >= 0) {
                            var line = lines.substring(0, end);
                            lines.delete(0, end + 1);
                            if (line.startsWith(":connected")) {
                                connected.incrementAndGet();
                            }
                            int mark = line.startsWith("data:") ? line.indexOf(MARK) : -1;
                            if (mark >= 0) {
                                int from = mark + MARK.length();
                                int to = from;
                                while (to < line.length() && Character.isDigit(line.charAt(to))) {
                                    to++;
                                }
                                long index = received.getAndIncrement();
                                if (index < latencies.length) {
                                    latencies[(int) index] = now - Long.parseLong(line.substring(from, to));
                                }
                            }
                        }
                    }, error -> failed.incrementAndGet());
            // pace the handshakes: a burst of thousands of SYNs overflows the listen backlog
            if (i % 250 == 249) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (connected.get() + failed.get() < i + 1 - 50 && System.nanoTime() < deadline) {
                    Thread.sleep(5); // a benchmark driver, not a test: polling its own counters is fine here
                }
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (connected.get() + failed.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (connected.get() < count) {
            System.out.println("ERROR only " + connected.get() + " of " + count + " connected, " + failed.get() + " failed");
            System.exit(1);
        }
        System.out.println("CONNECTED " + connected.get() + " SSE clients");
        var progress = Executors.newSingleThreadScheduledExecutor();
        var last = new AtomicLong(-1);
        progress.scheduleAtFixedRate(() -> {
            long now = received.get();
            if (now != last.getAndSet(now)) {
                System.out.println("RECEIVED " + now);
            }
        }, 20, 20, TimeUnit.MILLISECONDS);
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("REPORT")) {
                progress.shutdownNow();
                int n = (int) Math.min(received.get(), latencies.length);
                var sample = Arrays.copyOf(latencies, n);
                System.out.printf(Locale.ROOT, "RESULT fan-out latency publish → client: p50 %.1f ms, p99 %.1f ms, max %.1f ms "
                                + "(%,d deliveries, %d connections dropped)%n",
                        Stats.percentileMillis(sample, 50), Stats.percentileMillis(sample, 99), Stats.percentileMillis(sample, 100),
                        n, failed.get());
                System.exit(0);
            }
        }
    }

    private SseClients() {
    }
}
