package com.desayre.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-protocol server: Adobe S3Mock's exec jar run as a child {@code java -jar} process (its
 * in-process variant clashes with Boot 4), serving plain HTTP on 127.0.0.1. Objects live in the
 * {@value #STORE} folder of the data directory; given a directory, they are kept across restarts.
 *
 * <p>The jar is found through the system property {@value #JAR_PROPERTY}, else where the build of
 * this module resolved it (its {@code maven-dependency-plugin} execution puts
 * {@code com.adobe.testing:s3mock:jar:exec} in the local repository), else in {@code ~/.m2/repository}.
 * The jar is never on any classpath. The child is destroyed on {@link #close()} and, failing that,
 * by a JVM shutdown hook; S3Mock accepts any credentials.
 */
public final class S3MockServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3MockServer.class);

    /** System property naming the S3Mock exec jar, overriding the built-in lookup. */
    public static final String JAR_PROPERTY = "desayre.s3mock.jar";
    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY_ID = "desayre-test";
    public static final String SECRET_ACCESS_KEY = "desayre-test-secret";

    static final String STORE = "store";
    private static final String LOG_FILE = "s3mock.log";
    private static final String PID_FILE = "s3mock.pid";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]");

    private final Process process;
    private final Thread shutdownHook;
    private final ServerDirectory directory;
    private final int port;
    private final HttpClient http;
    private boolean closed;

    private S3MockServer(Process process, Thread shutdownHook, ServerDirectory directory, int port, HttpClient http) {
        this.process = process;
        this.shutdownHook = shutdownHook;
        this.directory = directory;
        this.port = port;
        this.http = http;
    }

    /**
     * Starts S3Mock and waits until it answers.
     *
     * @param port           the HTTP port; 0 picks a free one
     * @param dataDir        where the object store ({@value #STORE}), its log and temp files go, kept
     *                       across restarts; {@code null} for a temporary directory under {@code java.io.tmpdir}
     * @param initialBuckets buckets to create at start when missing
     */
    public static S3MockServer start(int port, @Nullable Path dataDir, Collection<String> initialBuckets) {
        initialBuckets.forEach(S3MockServer::checkBucketName);
        long started = System.nanoTime();
        Path jar = locateJar();
        ServerDirectory directory = ServerDirectory.of(dataDir, "s3mock-");
        try {
            stopOrphan(directory.resolve(PID_FILE));
            Path tmp = Files.createDirectories(directory.resolve("tmp"));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            for (int attempt = 1; ; attempt++) {
                int chosen = FreePort.orFree(port);
                Process process = launch(jar, chosen, directory, tmp, initialBuckets);
                Thread hook = new Thread(() -> destroy(process), "s3mock-" + chosen + "-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                Files.writeString(directory.resolve(PID_FILE), Long.toString(process.pid()), StandardCharsets.UTF_8);
                var server = new S3MockServer(process, hook, directory, chosen, http);
                if (server.awaitAnswer()) {
                    log.info("S3Mock started on {} in {} ms, store in {}", server.endpoint(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), directory.resolve(STORE));
                    return server;
                }
                server.stop();
                boolean portTaken = logMentions(directory.resolve(LOG_FILE), "already in use");
                if (port == 0 && portTaken && attempt < FreePort.ATTEMPTS) {
                    log.info("S3Mock port {} was taken meanwhile, trying another", chosen);
                    continue;
                }
                directory.deleteIfTemporary();
                throw new IllegalStateException("S3Mock did not start on port " + chosen + "; see "
                        + directory.resolve(LOG_FILE) + (directory.temporary() ? " (deleted)" : ""));
            }
        } catch (IOException e) {
            directory.deleteIfTemporary();
            throw new UncheckedIOException("cannot start S3Mock in " + directory.path(), e);
        }
    }

    /** Starts S3Mock with no initial bucket. */
    public static S3MockServer start(int port, @Nullable Path dataDir) {
        return start(port, dataDir, List.of());
    }

    private static Process launch(Path jar, int port, ServerDirectory directory, Path tmp, Collection<String> buckets)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp,
                "-Djava.awt.headless=true",
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar", jar.toString(),
                // the main connector serves plain HTTP on loopback; S3Mock's extra HTTP connector gets any free port
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--server.ssl.enabled=false",
                "--com.adobe.testing.s3mock.httpPort=0",
                "--com.adobe.testing.s3mock.store.root=" + directory.resolve(STORE),
                "--com.adobe.testing.s3mock.store.retainFilesOnExit=" + !directory.temporary(),
                "--com.adobe.testing.s3mock.region=" + REGION,
                "--spring.main.banner-mode=off"));
        if (!buckets.isEmpty()) {
            command.add("--com.adobe.testing.s3mock.store.initialBuckets=" + String.join(",", buckets));
        }
        return new ProcessBuilder(command)
                .directory(directory.path().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(directory.resolve(LOG_FILE).toFile()))
                .start();
    }

    /** Polls until S3Mock lists its buckets, or its process dies, or the start timeout passes. */
    private boolean awaitAnswer() {
        Deadline deadline = Deadline.in(START_TIMEOUT);
        HttpRequest list = HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2)).GET().build();
        while (!deadline.expired() && process.isAlive()) {
            try {
                if (http.send(list, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            deadline.pause();
        }
        return false;
    }

    /**
     * The exec jar: system property {@value #JAR_PROPERTY}, else the path this module's build
     * recorded, else the default local repository.
     */
    static Path locateJar() {
        var candidates = new ArrayList<Path>();
        Optional.ofNullable(System.getProperty(JAR_PROPERTY)).filter(p -> !p.isBlank()).map(Path::of).ifPresent(candidates::add);
        var built = new Properties();
        try (InputStream in = S3MockServer.class.getResourceAsStream("s3mock.properties")) {
            if (in != null) {
                built.load(in);
            }
        } catch (IOException e) {
            log.debug("cannot read s3mock.properties", e);
        }
        Optional.ofNullable(built.getProperty("jar")).filter(p -> !p.contains("@")).map(Path::of).ifPresent(candidates::add);
        String version = built.getProperty("version", "4.8.0");
        String relative = "com/adobe/testing/s3mock/" + version + "/s3mock-" + version + "-exec.jar";
        Optional.ofNullable(System.getProperty("maven.repo.local")).map(repo -> Path.of(repo, relative)).ifPresent(candidates::add);
        candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(relative));
        return candidates.stream().filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new IllegalStateException("S3Mock exec jar not found; looked at " + candidates
                        + ". Build embedded-servers (it resolves com.adobe.testing:s3mock:" + version
                        + ":jar:exec) or set -D" + JAR_PROPERTY + "=/path/to/s3mock-exec.jar"));
    }

    /** Destroys an S3Mock left running by a JVM that died without closing it (persistent directories). */
    private static void stopOrphan(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            ProcessHandle.of(pid)
                    .filter(handle -> handle.info().commandLine().map(line -> line.contains("s3mock")).orElse(false))
                    .ifPresent(orphan -> {
                        log.info("Stopping the S3Mock (pid {}) a previous run left behind", pid);
                        destroy(orphan);
                    });
        } catch (NumberFormatException e) {
            // not ours
        }
        Files.deleteIfExists(pidFile);
    }

    private static boolean logMentions(Path logFile, String text) {
        try {
            return Files.exists(logFile) && Files.readString(logFile, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkBucketName(String bucket) {
        if (!BUCKET_NAME.matcher(bucket).matches()) {
            throw new IllegalArgumentException("not an S3 bucket name: " + bucket);
        }
    }

    /** {@code http://127.0.0.1:PORT}: use it with path-style access, region {@value #REGION}, any credentials. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The data directory (temporary when none was given). */
    public Path dataDir() {
        return directory.path();
    }

    /** Creates the bucket if it does not exist yet. */
    public void createBucket(String bucket) {
        checkBucketName(bucket);
        var put = HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket))
                .timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            HttpResponse<String> response = http.send(put, HttpResponse.BodyHandlers.ofString());
            // 409 BucketAlreadyOwnedByYou / BucketAlreadyExists: there already
            if (response.statusCode() != 200 && response.statusCode() != 409) {
                throw new IllegalStateException("cannot create bucket " + bucket + ": HTTP " + response.statusCode()
                        + " " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create bucket " + bucket, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating bucket " + bucket, e);
        }
    }

    /** The Spring Boot properties ({@code desayre.media.s3.*}) that point a service at a bucket here. */
    public Map<String, String> springProperties(String bucket) {
        return SpringProperties.s3(this, bucket);
    }

    /** Stops the child process and its children; a temporary directory is deleted. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        directory.deleteIfTemporary();
    }

    private void stop() {
        destroy(process);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and runs the hook itself
        }
        try {
            Files.deleteIfExists(directory.resolve(PID_FILE));
        } catch (IOException e) {
            log.debug("cannot delete the pid file", e);
        }
    }

    private static void destroy(Process process) {
        destroy(process.toHandle());
    }

    /** SIGTERM to the process and its descendants, then SIGKILL for whatever is still alive after a while. */
    private static void destroy(ProcessHandle process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process);
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                handle.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return "S3MockServer[" + endpoint() + ", " + directory.path() + "]";
    }
}
