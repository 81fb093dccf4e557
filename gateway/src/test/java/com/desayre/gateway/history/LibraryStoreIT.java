package com.desayre.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobKind;
import com.desayre.platform.FileSystemMediaStore;
import com.desayre.testsupport.TestServers;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipInputStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The libraries on the real PostgreSQL, with storage-sink's job tables and the gateway's own migrations (no Spring
 * context: the HTTP side is LibraryControllerSliceTest's): favourites are per user and idempotent, the new history
 * filters (several kinds, model, favourites only) page as the others do, lineage finds what was made from a job,
 * zip links are their owner's and expire, and a zip holds each file under its download name, streamed; a crowd of
 * concurrent stars, zip links and listings loses and mixes nothing.
 */
class LibraryStoreIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static DatabaseClient db;
    private static Library library;
    private static HistoryRepository history;

    @BeforeAll
    static void migrate() {
        var postgres = TestServers.postgres();
        Flyway.configure().dataSource(postgres.jdbcUrl(), postgres.username(), postgres.password())
                .locations("classpath:db/migration").table("flyway_history_storage_sink").load().migrate();
        Flyway.configure().dataSource(postgres.jdbcUrl(), postgres.username(), postgres.password())
                .locations("classpath:db/gateway").schemas("gateway").defaultSchema("gateway").table("flyway_history_gateway")
                .load().migrate();
        var options = ConnectionFactoryOptions.parse(postgres.r2dbcUrl()).mutate()
                .option(ConnectionFactoryOptions.USER, postgres.username())
                .option(ConnectionFactoryOptions.PASSWORD, postgres.password()).build();
        db = DatabaseClient.create(ConnectionFactories.get(options));
        library = new Library(db);
        history = new HistoryRepository(db);
    }

    private static final Instant START = Instant.parse("2026-11-01T10:00:00Z");

    /** A finished job of the owner's, made {@code minutes} after START. */
    private static String job(String owner, String kind, String model, int minutes, String sourceKey) {
        return job(db, owner, kind, model, minutes, sourceKey);
    }

    private static String job(DatabaseClient db, String owner, String kind, String model, int minutes, String sourceKey) {
        var id = UUID.randomUUID().toString();
        var at = START.plus(minutes, ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC);
        var spec = db.sql("insert into public.jobs (job_id, owner_id, kind, status, prompt, model, source_media_key, created_at, updated_at)"
                        + " values (:id, :owner, :kind, 'COMPLETED', 'a lighthouse', :model, :source, :at, :at)")
                .bind("id", id).bind("owner", owner).bind("kind", kind).bind("model", model).bind("at", at);
        spec = sourceKey == null ? spec.bindNull("source", String.class) : spec.bind("source", sourceKey);
        spec.then().block(WAIT);
        return id;
    }

    private static List<String> page(HistoryRepository.Filter filter) {
        return history.page(filter, null, 10).map(HistoryRepository.Row::jobId).collectList().block(WAIT);
    }

    @Test
    void aFavouriteIsItsUsersAloneAndStarringTwiceChangesNothing() {
        var ada = "ada-" + UUID.randomUUID();
        var bob = "bob-" + UUID.randomUUID();
        var starred = job(ada, "IMAGE", "m", 1, null);
        var plain = job(ada, "IMAGE", "m", 2, null);
        library.favour(ada, starred).block(WAIT);
        library.favour(ada, starred).block(WAIT);
        assertThat(library.favourites(ada, List.of(starred, plain)).block(WAIT)).containsExactly(starred);
        assertThat(library.favourites(bob, List.of(starred, plain)).block(WAIT)).isEmpty();
        assertThat(page(new HistoryRepository.Filter(ada, null, null, null, null, null, null, ada))).containsExactly(starred);
        // another user's favourites filter shows none of ada's (bob starred nothing)
        assertThat(page(new HistoryRepository.Filter(ada, null, null, null, null, null, null, bob))).isEmpty();
        library.unfavour(ada, starred).block(WAIT);
        library.unfavour(ada, starred).block(WAIT);
        assertThat(library.favourites(ada, List.of(starred, plain)).block(WAIT)).isEmpty();
    }

    @Test
    void kindsModelAndDatesFilterAPageNewestFirst() {
        var ada = "ada-" + UUID.randomUUID();
        var image = job(ada, "IMAGE", "nano", 1, null);
        var edit = job(ada, "EDIT", "grok", 2, image + "/0.png");
        var video = job(ada, "VIDEO", "grok", 3, null);
        var oldImage = job(ada, "IMAGE", "grok", -3 * 24 * 60, null);
        assertThat(page(new HistoryRepository.Filter(ada, Set.of(JobKind.IMAGE, JobKind.EDIT), null, null, null, null, null, null)))
                .containsExactly(edit, image, oldImage);
        assertThat(page(new HistoryRepository.Filter(ada, Set.of(JobKind.IMAGE, JobKind.EDIT), null, null, null, null, "grok", null)))
                .containsExactly(edit, oldImage);
        assertThat(page(new HistoryRepository.Filter(ada, Set.of(JobKind.VIDEO), null, null, START, null, "grok", null)))
                .containsExactly(video);
        assertThat(page(new HistoryRepository.Filter(ada, Set.of(), null, null, null, START, null, null))).containsExactly(oldImage);
        // paging with a filter of several kinds keeps the keyset order
        var first = history.page(new HistoryRepository.Filter(ada, Set.of(JobKind.IMAGE, JobKind.EDIT), null, null, null, null, null, null),
                null, 1).blockLast(WAIT);
        var rest = history.page(new HistoryRepository.Filter(ada, Set.of(JobKind.IMAGE, JobKind.EDIT), null, null, null, null, null, null),
                new HistoryRepository.Cursor(first.createdAt(), first.jobId()), 10).map(HistoryRepository.Row::jobId).collectList().block(WAIT);
        assertThat(rest).containsExactly(image, oldImage);
    }

    @Test
    void lineageFindsTheEditsAndVideosMadeFromAJobAndTheirSource() {
        var ada = "ada-" + UUID.randomUUID();
        var source = job(ada, "IMAGE", "nano", 1, null);
        var edit = job(ada, "EDIT", "grok", 2, source + "/0.png");
        var video = job(ada, "VIDEO", "grok", 3, edit + "/0.png");
        var fromUpload = job(ada, "EDIT", "grok", 4, "uploads/" + ada + "/abc.png");
        var other = job(ada, "VIDEO", "grok", 5, source + "x/0.png");
        db.sql("insert into public.media (job_id, idx, storage_key, mime_type, width, height, bytes, sha256, seed)"
                + " values (:id, 0, :key, 'image/png', 8, 8, 7, 'x', 4242)").bind("id", source).bind("key", source + "/0.png").then().block(WAIT);
        assertThat(history.media(List.of(source)).block(WAIT).get(source).get(0).seed()).as("the seed the provider used").isEqualTo(4242L);
        var sourceRow = history.job(source).block(WAIT);
        assertThat(history.madeFrom(sourceRow, 10).map(HistoryRepository.Row::jobId).collectList().block(WAIT)).containsExactly(edit);
        assertThat(history.madeFrom(history.job(edit).block(WAIT), 10).map(HistoryRepository.Row::jobId).collectList().block(WAIT))
                .containsExactly(video);
        assertThat(HistoryRepository.sourceJobId(history.job(video).block(WAIT).sourceMediaKey())).isEqualTo(edit);
        assertThat(HistoryRepository.sourceJobId(history.job(fromUpload).block(WAIT).sourceMediaKey())).isNull();
        assertThat(HistoryRepository.sourceJobId(history.job(other).block(WAIT).sourceMediaKey())).isEqualTo(source + "x");
        // a deleted edit is no longer lineage
        db.sql("update public.jobs set deleted_at = now() where job_id = :id").bind("id", edit).then().block(WAIT);
        assertThat(history.madeFrom(sourceRow, 10).collectList().block(WAIT)).isEmpty();
    }

    @Test
    void aZipLinkIsItsOwnersAndExpires() {
        var ada = "ada-" + UUID.randomUUID();
        var link = library.newZipLink(ada, List.of("j1", "j2")).block(WAIT);
        assertThat(link.id()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(link.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(4)), Instant.now().plus(Duration.ofMinutes(6)));
        assertThat(library.zipLink(ada, link.id()).block(WAIT)).containsExactly("j1", "j2");
        assertThat(library.zipLink("bob-" + UUID.randomUUID(), link.id()).block(WAIT)).isNull();
        db.sql("update gateway.zip_links set expires_at = now() - interval '1 second' where id = :id").bind("id", link.id()).then().block(WAIT);
        assertThat(library.zipLink(ada, link.id()).block(WAIT)).isNull();
        // the next link made clears the expired ones
        library.newZipLink(ada, List.of("j3")).block(WAIT);
        assertThat(db.sql("select count(*) as n from gateway.zip_links where id = :id").bind("id", link.id())
                .map(row -> row.get("n", Long.class)).one().block(WAIT)).isZero();
    }

    /**
     * A crowd on the library's writes, through a connection pool as in the gateway: five users at once, each with 50
     * requests in flight (stars on, stars off, starring the same job many times, zip links, listings of their starred
     * jobs). Nothing is lost or doubled, and each user sees only their own.
     */
    @Test
    void fiftyConcurrentStarsZipLinksAndListingsPerUserLoseNothingAndMixNoOne() {
        var pool = new io.r2dbc.pool.ConnectionPool(io.r2dbc.pool.ConnectionPoolConfiguration.builder(
                ConnectionFactories.get(ConnectionFactoryOptions.parse(TestServers.postgres().r2dbcUrl()).mutate()
                        .option(ConnectionFactoryOptions.USER, TestServers.postgres().username())
                        .option(ConnectionFactoryOptions.PASSWORD, TestServers.postgres().password()).build()))
                .initialSize(2).maxSize(16).build());
        try {
            var crowdDb = DatabaseClient.create(pool);
            var crowdLibrary = new Library(crowdDb);
            var crowdHistory = new HistoryRepository(crowdDb);
            var users = java.util.stream.IntStream.range(0, 5).mapToObj(i -> "crowd-" + i + "-" + UUID.randomUUID()).toList();
            var starred = new java.util.HashMap<String, List<String>>();   // starred by the crowd, each job many times
            var unstarred = new java.util.HashMap<String, List<String>>(); // starred before, unstarred by the crowd
            for (var user : users) {
                starred.put(user, java.util.stream.IntStream.range(0, 5).mapToObj(i -> job(crowdDb, user, "IMAGE", "m", i, null)).toList());
                unstarred.put(user, java.util.stream.IntStream.range(5, 10).mapToObj(i -> job(crowdDb, user, "IMAGE", "m", i, null)).toList());
                unstarred.get(user).forEach(id -> crowdLibrary.favour(user, id).block(WAIT));
                // starred before and left alone: every listing of the user's stars has at least this one
                crowdLibrary.favour(user, job(crowdDb, user, "IMAGE", "m", 10, null)).block(WAIT);
            }
            var links = new java.util.concurrent.ConcurrentHashMap<String, List<String>>(); // link id -> what its owner asked for
            var linkOwners = new java.util.concurrent.ConcurrentHashMap<String, String>();
            var listings = new java.util.concurrent.ConcurrentLinkedQueue<java.util.Map.Entry<String, List<String>>>();
            var requests = new java.util.ArrayList<reactor.core.publisher.Mono<?>>();
            for (var user : users) {
                for (int n = 0; n < 50; n++) {
                    var jobs = starred.get(user);
                    var which = n / 5 % 5; // each of the five jobs, twice per kind of request
                    switch (n % 5) {
                        case 0, 1 -> requests.add(crowdLibrary.favour(user, jobs.get(which)));
                        case 2 -> requests.add(crowdLibrary.unfavour(user, unstarred.get(user).get(which)));
                        case 3 -> {
                            var asked = List.of(jobs.get(which), "other-" + n);
                            requests.add(crowdLibrary.newZipLink(user, asked).doOnNext(link -> {
                                links.put(link.id(), asked);
                                linkOwners.put(link.id(), user);
                            }));
                        }
                        default -> requests.add(crowdHistory.page(new HistoryRepository.Filter(user, null, null, null, null, null, null, user),
                                null, 100).map(HistoryRepository.Row::ownerId).collectList().doOnNext(owners -> listings.add(java.util.Map.entry(user, owners))));
                    }
                }
            }
            java.util.Collections.shuffle(requests, new java.util.Random(17));
            reactor.core.publisher.Flux.fromIterable(requests).flatMap(request -> request, requests.size()).then().block(Duration.ofSeconds(60));

            for (var user : users) {
                var all = new java.util.ArrayList<>(starred.get(user));
                all.addAll(unstarred.get(user));
                assertThat(crowdLibrary.favourites(user, all).block(WAIT)).as(user + "'s stars").containsExactlyInAnyOrderElementsOf(starred.get(user));
                assertThat(crowdDb.sql("select count(*) as n from gateway.favourites where owner_id = :owner").bind("owner", user)
                        .map(row -> row.get("n", Long.class)).one().block(WAIT)).as(user + "'s star rows").isEqualTo(6L);
                assertThat(linkOwners.values().stream().filter(user::equals).count()).as(user + "'s links").isEqualTo(10);
            }
            assertThat(links).hasSize(50);
            for (var link : links.entrySet()) {
                var owner = linkOwners.get(link.getKey());
                assertThat(crowdLibrary.zipLink(owner, link.getKey()).block(WAIT)).isEqualTo(link.getValue());
                var stranger = users.get((users.indexOf(owner) + 1) % users.size());
                assertThat(crowdLibrary.zipLink(stranger, link.getKey()).block(WAIT)).isNull();
            }
            assertThat(listings).hasSize(50).allSatisfy(listing -> assertThat(listing.getValue()).isNotEmpty().containsOnly(listing.getKey()));
        } finally {
            pool.dispose();
        }
    }

    @Test
    void aZipHoldsEachFileUnderItsDownloadNameAndSaysWhichAreMissing(@TempDir Path dir) throws IOException {
        var store = new FileSystemMediaStore(dir);
        var png = dir.resolve("in.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        store.put("j1/0.png", png, "image/png");
        var mp4 = dir.resolve("in.mp4");
        Files.write(mp4, new byte[70_000]);
        store.put("j2/0.mp4", mp4, "video/mp4");
        var files = List.of(new MediaZip.File(MediaZip.fileName("j1", 0, "j1/0.png"), "j1/0.png", 7),
                new MediaZip.File(MediaZip.fileName("j2", 0, "j2/0.mp4"), "j2/0.mp4", 70_000),
                new MediaZip.File(MediaZip.fileName("j3", 1, "j3/1.PNG"), "j3/1.PNG", 5));
        var bytes = DataBufferUtils.join(new MediaZip(store).zip(files)).map(buffer -> {
            var copy = new byte[buffer.readableByteCount()];
            buffer.read(copy);
            DataBufferUtils.release(buffer);
            return copy;
        }).block(WAIT);
        var entries = new LinkedHashMap<String, Integer>();
        try (var zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.put(entry.getName(), zip.readAllBytes().length);
            }
        }
        assertThat(entries).containsEntry("desayre-j1-1.png", 7).containsEntry("desayre-j2-1.mp4", 70_000);
        assertThat(entries.keySet()).containsExactly("desayre-j1-1.png", "desayre-j2-1.mp4", "MISSING.txt");
    }

    @Test
    void aZipIsWrittenOnlyAsFastAsItIsRead() {
        // a 1 GiB file that is never in memory: zeros counted as they are read
        var read = new java.util.concurrent.atomic.AtomicLong();
        var closed = new java.util.concurrent.atomic.AtomicBoolean();
        long size = 1L << 30;
        var store = new com.desayre.platform.MediaStore() {
            @Override
            public void put(String key, Path file, String contentType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.util.Optional<MediaObject> stat(String key) {
                return java.util.Optional.of(new MediaObject(key, size, "video/mp4", "\"e\""));
            }

            @Override
            public java.io.InputStream open(String key, long offset, long length) {
                return new java.io.InputStream() {
                    @Override
                    public int read() {
                        return read(new byte[1], 0, 1) < 0 ? -1 : 0;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        long left = size - read.get();
                        if (left <= 0) {
                            return -1;
                        }
                        int n = (int) Math.min(len, left);
                        java.util.Arrays.fill(b, off, off + n, (byte) 0);
                        read.addAndGet(n);
                        return n;
                    }

                    @Override
                    public void close() {
                        closed.set(true);
                    }
                };
            }

            @Override
            public void delete(String key) {
            }
        };
        // the client takes three chunks and goes away: the writer stops there instead of reading the whole file ahead
        var chunks = reactor.core.publisher.Flux.from(new MediaZip(store).zip(List.of(new MediaZip.File("a.mp4", "j/0.mp4", size))))
                .take(3).doOnNext(DataBufferUtils::release).count().block(WAIT);
        assertThat(chunks).isEqualTo(3);
        org.awaitility.Awaitility.await().atMost(WAIT).untilTrue(closed);
        assertThat(read.get()).as("bytes read from the store").isLessThan(8L * 1024 * 1024);
    }
}
