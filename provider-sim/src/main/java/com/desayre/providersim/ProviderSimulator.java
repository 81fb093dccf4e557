package com.desayre.providersim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running provider simulator: an HTTP server that speaks the ModelsLab image API and xAI's video
 * API (docs/providers.md §1, §2, §4) closely enough for a real client, with real PNG and MP4 outputs. Start one per test on port 0:
 *
 * <pre>{@code
 * try (ProviderSimulator sim = ProviderSimulator.start(SimulatorSettings.defaults())) {
 *     client.baseUrl(sim.baseUrl()); ...
 *     assertThat(sim.submissions()).isEqualTo(1);
 * }
 * }</pre>
 *
 * Per-request behaviour is scripted with prompt directives such as {@code [sim:async]} and
 * {@code [sim:latency=1500]} (see {@link Directives}); faults for every request, or for some
 * endpoints and models, are switched while it runs at {@link #faultsUrl()} (see {@link FaultAdmin}).
 */
public final class ProviderSimulator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProviderSimulator.class.getName());

    private static final int WORKER_THREADS = 8;
    private static final int BACKLOG = 128;

    private final SimulatorSettings settings;
    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;
    private final Router router = new Router();
    private final SimCounters counters = new SimCounters();
    private final String baseUrl;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * The JDK server writes a response's headers and body separately, and without TCP_NODELAY Nagle's algorithm holds
     * the body until the client's delayed ACK: about 40 ms per request, 80+ ms per image (submit, then download), far
     * more than the simulator's own work. The server reads the switch once, when the first one is created, so set it
     * before that, unless someone chose otherwise.
     */
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private ProviderSimulator(SimulatorSettings settings) throws IOException {
        this.settings = settings;
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        InetAddress bind = InetAddress.getByName(settings.bindAddress());
        this.server = HttpServer.create(new InetSocketAddress(bind, settings.port()), BACKLOG);
        this.baseUrl = "http://" + urlHost(bind) + ":" + server.getAddress().getPort();

        this.workers = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("provider-sim-http-"));
        this.workers.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("provider-sim-timer-"));
        this.timer.setRemoveOnCancelPolicy(true);

        JobBook jobs = new JobBook();
        ImageRenderer renderer = new ImageRenderer();
        // Java2D's first use costs a few hundred ms: pay it now, not on the first download.
        workers.execute(() -> renderer.renderPng(new ImageRenderer.Spec("warm up", 0, 64, 64, 0)));
        // one set of rules for both APIs: the startup faults, then what a person switches at /sim/faults
        FaultRules faults = new FaultRules(settings.faults());
        new ModelsLabApi(settings, baseUrl, jobs, renderer, counters, faults).register(router);
        new XaiVideoApi(settings, baseUrl, jobs, new VideoRenderer(renderer), counters, faults).register(router);
        new FaultAdmin(faults).register(router);
        new OutputFiles(jobs, new OutputCache(), counters).register(router);
        registerCounters();

        server.createContext("/", this::handle);
        server.setExecutor(workers);
    }

    /** Binds and starts a simulator; close it when done. */
    public static ProviderSimulator start(SimulatorSettings settings) {
        try {
            ProviderSimulator sim = new ProviderSimulator(settings);
            sim.server.start();
            LOG.log(Level.DEBUG, () -> "provider-sim listening on " + sim.baseUrl + " (mode=" + settings.mode()
                    + ", latency=" + settings.latency().toMillis() + "ms)");
            return sim;
        } catch (IOException e) {
            throw new UncheckedIOException("provider-sim could not bind " + settings.bindAddress() + ":"
                    + settings.port(), e);
        }
    }

    /** The server's own base URL, e.g. {@code http://127.0.0.1:54321} (no trailing slash). */
    public String baseUrl() {
        return baseUrl;
    }

    /** The base URL written into output and {@code fetch_result} URLs. */
    public String publicBaseUrl() {
        return settings.publicBaseUrl() != null ? settings.publicBaseUrl() : baseUrl;
    }

    /**
     * The simulator's fault switch, {@code <base>/sim/faults}: {@code GET} lists the live fault rules,
     * {@code POST}/{@code PUT} sets them, {@code DELETE} clears them (see provider-sim/README.md).
     */
    public String faultsUrl() {
        return baseUrl + FaultAdmin.PATH;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public SimulatorSettings settings() {
        return settings;
    }

    /** Generation submits accepted (a job was created), over all APIs. */
    public long submissions() {
        return counters.submissions.get();
    }

    /**
     * ModelsLab submits that created a job with this {@code track_id} (DESAYRE's job id): each is a job the provider
     * bills, so a job submitted twice shows 2. 0 for one never submitted. Counts start over past
     * {@value SimCounters#MAX_TRACKED} jobs.
     */
    public long submissionsOf(String trackId) {
        return counters.submissionsOf(trackId);
    }

    /** Every request to a submit endpoint, including refused and faulted ones. */
    public long submitRequests() {
        return counters.submitRequests.get();
    }

    /** {@code GET /sim/submissions} and {@code GET /sim/submissions/{trackId}} ({@link #submissionsOf}): what was billed, over HTTP. */
    private void registerCounters() {
        router.add("GET", "^/sim/submissions/?$", r -> SimResponse.json(200, java.util.Map.of(
                "submissions", counters.submissions.get(), "submitRequests", counters.submitRequests.get(),
                "queueFull", counters.queueFull.get())));
        router.add("GET", "^/sim/submissions/([^/]+)/?$", r -> {
            var job = java.net.URLDecoder.decode(r.pathParam(0), java.nio.charset.StandardCharsets.UTF_8);
            return SimResponse.json(200, java.util.Map.of("job", job, "submissions", submissionsOf(job)));
        });
    }

    /** Submits answered 429 because the key's queue ({@link SimulatorSettings#queueLimit()}) was full. */
    public long queueFullAnswers() {
        return counters.queueFull.get();
    }

    /** Authenticated fetch (poll) requests answered, including "not found" ones. */
    public long fetches() {
        return counters.fetches.get();
    }

    /** Output files served (HTTP 200 on {@code /outputs/...}). */
    public long downloads() {
        return counters.downloads.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        timer.shutdownNow();
        workers.shutdownNow();
        LOG.log(Level.DEBUG, () -> "provider-sim on " + baseUrl + " stopped");
    }

    // ---- HTTP plumbing ------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        SimResponse response;
        String method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
        URI uri = exchange.getRequestURI();
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            response = router.dispatch(method, uri.getPath(), exchange.getRequestHeaders(), body);
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "provider-sim failed on " + method + " " + uri.getPath(), e);
            response = ModelsLabApi.error(500, "Internal server error. Please try again.");
        }
        if (response == SimResponse.RESET) {
            exchange.close(); // no status line: the client sees the connection drop
            return;
        }
        Duration delay = response.delay();
        if (delay.isZero() || delay.isNegative()) {
            send(exchange, response);
            return;
        }
        SimResponse later = response;
        try {
            timer.schedule(() -> {
                try {
                    workers.execute(() -> send(exchange, later));
                } catch (RejectedExecutionException e) {
                    exchange.close();
                }
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            exchange.close(); // shutting down
        }
    }

    private static void send(HttpExchange exchange, SimResponse response) {
        try {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            for (Map.Entry<String, String> header : response.headers().entrySet()) {
                exchange.getResponseHeaders().set(header.getKey(), header.getValue());
            }
            byte[] body = response.body();
            if ("HEAD".equalsIgnoreCase(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                exchange.sendResponseHeaders(response.status(), -1);
            } else {
                exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "client went away before the response was sent: " + e);
        } finally {
            exchange.close();
        }
    }

    private static String urlHost(InetAddress bind) {
        if (bind.isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        String host = bind.getHostAddress();
        return bind instanceof Inet6Address ? "[" + host.replaceFirst("%.*$", "") + "]" : host;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---- standalone ---------------------------------------------------------------------------

    /**
     * Runs a simulator until Ctrl-C. Options (arguments win over the environment):
     * {@code --port=} / {@code SIM_PORT} (default 8090), {@code --bind=} / {@code SIM_BIND},
     * {@code --latency-ms=} / {@code SIM_LATENCY_MS}, {@code --mode=} / {@code SIM_MODE}
     * (sync|async), {@code --public-base-url=} / {@code SIM_PUBLIC_BASE_URL}.
     */
    public static void main(String[] args) throws InterruptedException {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println("usage: provider-sim [--port=8090] [--bind=127.0.0.1] [--latency-ms=0]"
                        + " [--mode=sync|async] [--public-base-url=URL] [--queue-limit=N] [--faults=LIST]");
                System.out.println("       (or SIM_PORT, SIM_BIND, SIM_LATENCY_MS, SIM_MODE, SIM_PUBLIC_BASE_URL,"
                        + " SIM_QUEUE_LIMIT, SIM_FAULTS)");
                System.out.println("       faults, e.g. \"fail=503 times=2\" or \"chance=20 fail=500\": see Faults");
                return;
            }
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        SimulatorSettings settings;
        try {
            settings = SimulatorSettings.fromCommandLine(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("provider-sim: " + e.getMessage());
            System.exit(2);
            return;
        }
        ProviderSimulator sim = start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            System.out.println("provider-sim stopped");
            stopped.countDown();
        }, "provider-sim-shutdown"));
        System.out.println("provider-sim listening on " + sim.baseUrl() + " (mode=" + settings.mode()
                + ", latency=" + settings.latency().toMillis() + "ms, outputs under " + sim.publicBaseUrl()
                + "/outputs/" + (settings.faults() == null ? "" : ", faults: " + settings.faults()) + "). Ctrl-C to stop.");
        System.out.println("Switch faults on and off: " + sim.faultsUrl() + "  (e.g. curl -X POST " + sim.faultsUrl()
                + " -d '{\"faults\":\"fail=503\",\"times\":3}')");
        stopped.await();
    }
}
