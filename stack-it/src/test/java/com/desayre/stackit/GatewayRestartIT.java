package com.desayre.stackit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.Topics;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import org.junit.jupiter.api.Test;

/**
 * The gateway stops while sixty jobs run, they finish while it is down, and it starts again:
 * before it says it is ready it has caught up on every status it missed, so for every job REST,
 * history and both event streams agree, no in-flight slot stays taken, and a finished job cannot
 * be cancelled.
 */
class GatewayRestartIT {
    /** At 2.5 s each through 5 provider slots, 60 jobs keep the pipeline busy for ~30 s: a third or more still run at the stop. */
    private static final int JOBS = 60;
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "CANCELLED");

    @Test
    void aRestartedGatewayAgreesWithHistoryOnEveryJobThatEndedWhileItWasDown() throws Exception {
        var studio = Studio.get();
        var user = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        var token = studio.account(user, "member");
        try (var statuses = TopicProbe.watch(TestServers.kafka(), Topics.STATUS)) {
            // the studio's view: all of the user's jobs on one stream, whose last event id it resumes from
            var jobs = new CopyOnWriteArraySet<String>();
            var before = studio.sseUntil("/api/events", token, Map.of(), () -> {
                for (int i = 0; i < JOBS; i++) {
                    // every tenth is refused by the provider: FAILED must agree as well as COMPLETED
                    var prompt = (i % 10 == 9 ? "[sim:fail=400] " : "") + "[sim:latency=2500] a lighthouse, restart test " + i;
                    var accepted = studio.post("/api/generate/image", token, "{\"prompt\":\"" + prompt + "\"}");
                    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                    jobs.add(Studio.JSON.readTree(accepted.body()).get("jobId").asString());
                }
            }, events -> jobs.size() == JOBS && events.stream().map(e -> e.data().get("jobId").asString()).distinct().count() == JOBS);
            var lastEventId = before.get(before.size() - 1).id();

            var ended = new HashMap<String, String>();
            studio.restartGateway(() -> {
                assertThat(JOBS - endings(statuses, jobs).size()).as("jobs still running when the gateway stopped")
                        .isGreaterThanOrEqualTo(JOBS / 3);
                await().atMost(Duration.ofMinutes(4)).until(() -> endings(statuses, jobs).size() == JOBS);
                ended.putAll(endings(statuses, jobs));
            });
            assertThat(ended.values()).contains("COMPLETED", "FAILED");

            // ready means caught up: REST answers the ending at once, with no waiting
            var stale = new ArrayList<String>();
            for (var jobId : jobs) {
                var job = studio.get("/api/jobs/" + jobId, token);
                assertThat(job.statusCode()).as(job.body()).isEqualTo(200);
                var status = Studio.JSON.readTree(job.body()).get("status").asString();
                if (!status.equals(ended.get(jobId))) {
                    stale.add(jobId + ": " + status + " instead of " + ended.get(jobId));
                }
            }
            assertThat(stale).as("jobs whose REST status is not how they ended").isEmpty();
            for (var jobId : jobs) {
                // history is storage-sink's projection, which may trail its own topic by a moment
                await().atMost(Duration.ofSeconds(30)).until(() -> historyStatus(studio, token, jobId) != null
                        && TERMINAL.contains(historyStatus(studio, token, jobId)));
                assertThat(historyStatus(studio, token, jobId)).as("history of " + jobId).isEqualTo(ended.get(jobId));
                var stream = studio.sse("/api/jobs/" + jobId + "/events", token);
                assertThat(stream).as("the job's event stream starts with its ending, and ends").hasSize(1);
                assertThat(stream.get(0).get("status").asString()).isEqualTo(ended.get(jobId));
            }

            // the studio reconnecting with the id of the last event it saw gets every ending it missed
            var resumed = studio.sseUntil("/api/events", token, Map.of("Last-Event-ID", lastEventId), () -> { },
                    events -> latestByJob(before, events).entrySet().stream()
                            .filter(e -> jobs.contains(e.getKey()) && TERMINAL.contains(e.getValue())).count() == JOBS);
            assertThat(latestByJob(before, resumed)).containsAllEntriesOf(ended);

            var limits = Studio.JSON.readTree(studio.get("/api/limits", token).body());
            var inFlight = new ArrayList<Integer>();
            limits.get("limits").forEach(limit -> {
                if (limit.get("policy").asString().equals("in-flight")) {
                    inFlight.add(limit.get("quota").asInt() - limit.get("remaining").asInt());
                }
            });
            assertThat(inFlight).as("in-flight slots still taken").containsExactly(0);

            for (var status : List.of("COMPLETED", "FAILED")) {
                var jobId = ended.entrySet().stream().filter(e -> e.getValue().equals(status)).findFirst().orElseThrow().getKey();
                var cancel = studio.post("/api/jobs/" + jobId + "/cancel", token, "");
                assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(409);
                assertThat(Studio.JSON.readTree(cancel.body()).get("type").asString()).isEqualTo("/problems/job-finished");
            }
        }
    }

    /** Each job's first terminal status on the topic (a later one is refused by every projection). */
    private static Map<String, String> endings(TopicProbe statuses, Set<String> jobs) {
        var ended = new HashMap<String, String>();
        for (var record : statuses.all()) {
            if (jobs.contains(record.key()) && !ended.containsKey(record.key())) {
                var status = Studio.JSON.readTree(record.value()).get("status").asString();
                if (TERMINAL.contains(status)) {
                    ended.put(record.key(), status);
                }
            }
        }
        return ended;
    }

    /** Each job's status as a client that read {@code before}, then {@code after}, last saw it. */
    private static Map<String, String> latestByJob(List<Studio.Event> before, List<Studio.Event> after) {
        var latest = new HashMap<String, String>();
        for (var events : List.of(before, after)) {
            events.forEach(e -> latest.put(e.data().get("jobId").asString(), e.data().get("status").asString()));
        }
        return latest;
    }

    private static String historyStatus(Studio studio, String token, String jobId) throws Exception {
        var response = studio.get("/api/history/" + jobId, token);
        return response.statusCode() == 200 ? Studio.JSON.readTree(response.body()).get("job").get("status").asString() : null;
    }
}
