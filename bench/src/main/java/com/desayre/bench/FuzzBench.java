package com.desayre.bench;

import com.desayre.contracts.EventJson;
import com.desayre.providersim.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Bad input at every endpoint: reads the gateway's {@code /v3/api-docs}, then sends {@code --requests} requests made
 * by {@link BadInputs} (each with one thing wrong, as a member, an admin, an API key, no one, a garbage or an
 * {@code alg:none} token; some written raw to the socket) to the whole studio in one JVM, as {@code ./desayre up}
 * runs it, with generation limits on. It counts the answers by status and checks what the issue promises: no 5xx,
 * no stack trace in any body or in any service's log, every 4xx an RFC 9457 problem ({@code application/problem+json}
 * with a {@code type}). Prints the counts, examples of whatever broke a promise (with the probe's kind, so it can be
 * sent again), and one machine-readable {@code fuzz: …} line.
 *
 * <pre>./desayre bench fuzz [--requests=100000] [--concurrency=16] [--seed=1]</pre>
 */
final class FuzzBench {
    private static final Pattern STACK_TRACE = Pattern.compile(
            "\\.java:\\d+\\)|\\tat |\\bat (java|org|com|io|reactor|tools)\\.[\\w.$]+\\(|(java\\.lang|org\\.springframework|io\\.netty|reactor\\.core)\\.[\\w.$]*(Exception|Error)\\b");
    private static final int EXAMPLES_PER_PROMISE = 10;
    private static final java.util.Set<Integer> CODEC_REFUSALS = java.util.Set.of(400, 414, 431);

    record Options(int requests, int concurrency, long seed, String only) {
        static final String USAGE = """
                usage: ./desayre bench fuzz [--requests=N] [--concurrency=C] [--seed=S] [--only=TEXT]
                  --requests     bad requests to send                       (default 100000)
                  --concurrency  requests in flight                          (default 16)
                  --seed         the generator's seed: the same seed sends the same requests (default 1)
                  --only         send only the probes whose kind or operation contains TEXT (to chase one finding)
                """;

        static Options parse(String[] args) {
            var values = new TreeMap<String, Long>();
            String only = null;
            for (var arg : args) {
                if (!arg.startsWith("--") || !arg.contains("=") || !USAGE.contains(arg.substring(0, arg.indexOf('=')) + " ")) {
                    throw new IllegalArgumentException("unknown argument: " + arg);
                }
                if (arg.startsWith("--only=")) {
                    only = arg.substring("--only=".length());
                    continue;
                }
                var value = Long.parseLong(arg.substring(arg.indexOf('=') + 1));
                if (value <= 0 && !arg.startsWith("--seed")) {
                    throw new IllegalArgumentException(arg + ": out of range");
                }
                values.put(arg.substring(2, arg.indexOf('=')), value);
            }
            return new Options(values.getOrDefault("requests", 100_000L).intValue(),
                    values.getOrDefault("concurrency", 16L).intValue(), values.getOrDefault("seed", 1L), only);
        }
    }

    /**
     * What a run found. {@code broken} holds examples of each promise broken ("5xx", "stack trace in body",
     * "4xx not problem+json", "no answer"), each with the probe that caused it.
     */
    record Result(long requests, Map<Integer, Long> byStatus, long serverErrors, long bodyTraces, long notProblems, long noAnswer,
                  long logTraces, long logErrors, long unauthorizedSignedIn, long codecRefusals, List<String> codecExamples,
                  Map<String, List<String>> broken, Map<String, AtomicLong> logExamples, double seconds) {
        boolean clean() {
            return serverErrors == 0 && bodyTraces == 0 && notProblems == 0 && noAnswer == 0 && logTraces == 0 && logErrors == 0;
        }

        String line() {
            return String.format("fuzz: requests=%d 2xx=%d 3xx=%d 4xx=%d 5xx=%d bodyTraces=%d notProblem4xx=%d codecRefusals=%d"
                            + " noAnswer=%d logTraces=%d logErrors=%d signedIn401=%d seconds=%.0f", requests, range(200), range(300),
                    range(400), serverErrors, bodyTraces, notProblems, codecRefusals, noAnswer, logTraces, logErrors,
                    unauthorizedSignedIn, seconds);
        }

        private long range(int from) {
            return byStatus.entrySet().stream().filter(e -> e.getKey() >= from && e.getKey() < from + 100)
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    private final Options options;
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentSkipListMap<>();
    private final Map<String, List<String>> broken = new ConcurrentHashMap<>();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong bodyTraces = new AtomicLong();
    private final AtomicLong notProblems = new AtomicLong();
    private final AtomicLong noAnswer = new AtomicLong();
    private final AtomicLong unauthorizedSignedIn = new AtomicLong();
    private final AtomicLong codecRefusals = new AtomicLong();
    private final List<String> codecExamples = java.util.Collections.synchronizedList(new ArrayList<>());
    private Map<BadInputs.Caller, String> credentials;
    private StudioClient client;
    private int port;

    private FuzzBench(Options options) {
        this.options = options;
    }

    static void run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(Options.USAGE);
            return;
        }
        var options = Options.parse(args);
        var simulator = SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC).withLatency(Duration.ofMillis(200));
        Result result;
        try (var studio = BenchStudio.start("fuzz", simulator, Map.of(), Map.of("desayre.limits.enabled", true))) {
            result = against(studio, options);
        }
        // printed once the servers are stopped (their closing logs would bury it), and a broken promise is a failed run
        print(result);
        if (!result.clean()) {
            System.exit(1);
        }
    }

    /** Runs the probes against a started studio (also what {@code FuzzIT} does with fewer requests). */
    static Result against(BenchStudio studio, Options options) throws Exception {
        return new FuzzBench(options).fuzz(studio);
    }

    private Result fuzz(BenchStudio studio) throws Exception {
        client = studio.client();
        port = URI.create(client.base()).getPort();
        var member = client.newMember(studio.adminToken(), "fuzz-member");
        var key = client.http().send(client.post("/api/keys", StudioClient.json(Map.of("name", "fuzz")), member),
                HttpResponse.BodyHandlers.ofString());
        if (key.statusCode() != 201) {
            throw new IllegalStateException("could not make an API key: HTTP " + key.statusCode() + " " + key.body());
        }
        credentials = Map.of(
                BadInputs.Caller.MEMBER, "Bearer " + member,
                BadInputs.Caller.ADMIN, "Bearer " + studio.adminToken(),
                BadInputs.Caller.API_KEY, "Bearer " + EventJson.mapper().readTree(key.body()).get("key").asString(),
                BadInputs.Caller.GARBAGE_TOKEN, "Bearer eyJhbGciOiJIUzI1NiJ9.garbage.garbage",
                BadInputs.Caller.ALG_NONE_TOKEN, "Bearer " + algNone());
        var docs = client.http().send(HttpRequest.newBuilder(URI.create(client.base() + "/v3/api-docs")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        var surface = ApiSurface.of(EventJson.mapper().readTree(docs.body()));
        say("%d operations in /v3/api-docs; %d requests, %d in flight, seed %d", surface.operations().size(), options.requests(),
                options.concurrency(), options.seed());
        var inputs = new BadInputs(surface, options.seed());
        var sent = new AtomicLong();
        long started = System.nanoTime();
        try (var logs = LogWatch.attach()) {
            var pool = Executors.newFixedThreadPool(options.concurrency());
            try {
                var workers = new ArrayList<java.util.concurrent.Future<?>>();
                for (int w = 0; w < options.concurrency(); w++) {
                    workers.add(pool.submit(() -> {
                        for (long i = sent.incrementAndGet(); i <= options.requests(); i = sent.incrementAndGet()) {
                            BadInputs.Probe probe;
                            synchronized (inputs) {
                                probe = inputs.next(options.only());
                            }
                            send(probe);
                            if (i % 10_000 == 0) {
                                say("%d sent; 5xx so far %d", i, serverErrors.get());
                            }
                        }
                        return null;
                    }));
                }
                for (var worker : workers) {
                    worker.get(2, TimeUnit.HOURS);
                }
            } finally {
                pool.shutdownNow();
            }
            var seconds = (System.nanoTime() - started) / 1e9;
            var statuses = new TreeMap<Integer, Long>();
            byStatus.forEach((status, count) -> statuses.put(status, count.get()));
            return new Result(options.requests(), statuses, serverErrors.get(), bodyTraces.get(), notProblems.get(), noAnswer.get(),
                    logs.withStackTrace(), logs.errors(), unauthorizedSignedIn.get(), codecRefusals.get(), List.copyOf(codecExamples),
                    broken, Map.copyOf(logs.examples()), seconds);
        }
    }

    private void send(BadInputs.Probe probe) {
        int status;
        String contentType;
        String body;
        try {
            var headers = new java.util.LinkedHashMap<>(probe.headers());
            var credential = credentials.get(probe.caller());
            if (credential != null && !isSignOut(probe)) {
                headers.put("Authorization", credential);
            }
            if (probe.raw()) {
                var answer = RawHttp.send(port, probe.method(), probe.target(), headers, probe.body());
                status = answer.status();
                contentType = header(answer.head(), "content-type");
                body = answer.body();
            } else {
                HttpRequest request;
                try {
                    var builder = HttpRequest.newBuilder(URI.create(client.base() + probe.target())).timeout(Duration.ofSeconds(60));
                    headers.forEach(builder::header);
                    request = builder.method(probe.method(), probe.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(probe.body())).build();
                } catch (IllegalArgumentException notForThisClient) {
                    // a target or header java.net.http will not send: write it raw instead
                    var answer = RawHttp.send(port, probe.method(), probe.target(), headers, probe.body());
                    record(probe, answer.status(), header(answer.head(), "content-type"), answer.body(), true);
                    return;
                }
                var future = client.http().sendAsync(request, FuzzBench::bodyUnlessStream);
                HttpResponse<String> response;
                try {
                    response = future.get(90, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    future.cancel(true);
                    throw e;
                }
                status = response.statusCode();
                contentType = response.headers().firstValue("Content-Type").orElse("");
                body = response.body();
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            status = 0;
            contentType = "";
            body = e.toString();
        }
        record(probe, status, contentType, body, probe.raw());
    }

    private void record(BadInputs.Probe probe, int status, String contentType, String body, boolean viaSocket) {
        byStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        var what = probe.kind() + " → " + probe.method() + " " + BadInputs.label(probe.target()) + " as " + probe.caller()
                + " (" + probe.operation() + ")";
        if (status == 0) {
            noAnswer.incrementAndGet();
            example("no answer", what + ": " + BadInputs.label(body));
            return;
        }
        if (status >= 500) {
            serverErrors.incrementAndGet();
            example(status + "", what + ": " + BadInputs.label(body));
        }
        if (STACK_TRACE.matcher(body).find()) {
            bodyTraces.incrementAndGet();
            example("stack trace in body", what);
        }
        // an application refusal always has a problem body; an empty 414/431 (and an empty 400 to a request only a socket sends)
        // is the codec's
        if (body.isEmpty() && CODEC_REFUSALS.contains(status) && (viaSocket || status != 400)) {
            // reactor-netty's HTTP codec refuses a malformed request line or oversized head before any application code runs,
            // with an empty answer and a closed connection (no hook to write a body there): counted, not a broken promise
            codecRefusals.incrementAndGet();
            if (codecExamples.size() < EXAMPLES_PER_PROMISE) {
                codecExamples.add(status + " " + what);
            }
            return;
        }
        if (status >= 400 && status < 500 && !isProblem(contentType, body)) {
            notProblems.incrementAndGet();
            example("4xx not problem+json", status + " " + contentType + " " + what);
        }
        // a wrong password is a 401 whoever asks; anywhere else a signed-in caller's 401 means its session ended
        if (status == 401 && (probe.caller() == BadInputs.Caller.MEMBER || probe.caller() == BadInputs.Caller.ADMIN
                || probe.caller() == BadInputs.Caller.API_KEY) && !isSignOut(probe) && !probe.operation().endsWith("/api/auth/login")) {
            unauthorizedSignedIn.incrementAndGet();
            example("signed-in 401", what + ": " + BadInputs.label(body));
        }
    }

    /** The body as text, except an event stream's (it never ends): its connection is closed as soon as its head is in. */
    private static HttpResponse.BodySubscriber<String> bodyUnlessStream(HttpResponse.ResponseInfo info) {
        if (!info.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            return HttpResponse.BodySubscribers.ofString(StandardCharsets.ISO_8859_1);
        }
        return new HttpResponse.BodySubscriber<>() {
            private final java.util.concurrent.CompletableFuture<String> body = new java.util.concurrent.CompletableFuture<>();

            @Override
            public java.util.concurrent.CompletionStage<String> getBody() {
                return body;
            }

            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscription.cancel();
                body.complete("");
            }

            @Override
            public void onNext(List<java.nio.ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable throwable) {
                body.complete("");
            }

            @Override
            public void onComplete() {
                body.complete("");
            }
        };
    }

    /**
     * Signing out with the fuzzer's own session would end it, and ending sessions could end the fuzzer's others: those
     * operations are probed without credentials.
     */
    private static boolean isSignOut(BadInputs.Probe probe) {
        return probe.operation().endsWith("/api/auth/logout") || probe.operation().contains("/api/auth/sessions/");
    }

    private static boolean isProblem(String contentType, String body) {
        return contentType != null && contentType.startsWith("application/problem+json") && body.contains("\"type\"");
    }

    private void example(String promise, String what) {
        var list = broken.computeIfAbsent(promise, p -> java.util.Collections.synchronizedList(new ArrayList<>()));
        if (list.size() < EXAMPLES_PER_PROMISE) {
            list.add(what);
        }
    }

    private static String header(String head, String name) {
        for (var line : head.split("\r\n")) {
            var colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    /** An unsigned token claiming the admin: must be refused like any other forgery. */
    private static String algNone() {
        var encoder = Base64.getUrlEncoder().withoutPadding();
        var now = Instant.now().getEpochSecond();
        var header = encoder.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        var claims = encoder.encodeToString(("{\"iss\":\"desayre\",\"sub\":\"admin\",\"role\":\"admin\",\"sid\":\"x\",\"ver\":0,"
                + "\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"auth_time\":" + now + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + claims + ".";
    }

    static void print(Result result) {
        say("%d requests in %.0f s (%.0f/s)", result.requests(), result.seconds(), result.requests() / Math.max(0.001, result.seconds()));
        System.out.println();
        System.out.println("answers by status");
        result.byStatus().forEach((status, count) -> System.out.printf("  %-10s %,9d%n", status == 0 ? "no answer" : status, count));
        System.out.println();
        System.out.printf("5xx: %d · stack traces in bodies: %d · 4xx not problem+json: %d · no answer: %d%n", result.serverErrors(),
                result.bodyTraces(), result.notProblems(), result.noAnswer());
        System.out.printf("refused by the HTTP codec before the application (empty 400/414/431, connection closed): %d%n",
                result.codecRefusals());
        result.codecExamples().stream().limit(3).forEach(example -> System.out.println("  e.g. " + example));
        System.out.printf("service logs while fuzzing: %d events with a stack trace, %d errors%n", result.logTraces(), result.logErrors());
        System.out.printf("signed-in probes answered 401 (should be 0: the fuzzer's sessions must survive): %d%n",
                result.unauthorizedSignedIn());
        result.broken().forEach((promise, examples) -> {
            System.out.println();
            System.out.println(promise + ", e.g.:");
            examples.forEach(example -> System.out.println("  " + example));
        });
        if (!result.logExamples().isEmpty()) {
            System.out.println();
            System.out.println("logged with a stack trace or as an error, e.g.:");
            result.logExamples().forEach((event, count) -> System.out.println("  " + count + "× " + event));
        }
        System.out.println();
        System.out.println(result.line());
    }

    private static void say(String format, Object... args) {
        System.out.printf("[fuzz] " + format + "%n", args);
    }
}
