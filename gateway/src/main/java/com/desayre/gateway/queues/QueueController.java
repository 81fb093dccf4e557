package com.desayre.gateway.queues;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.LaneSwitched;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Topics;
import com.desayre.gateway.accounts.AuditLog;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import com.desayre.gateway.web.RequestValidator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Queue status and control for admins and automation ({@code WORKER_SECRET}): the seed's
 * {@code /api/worker}, also at {@code /api/admin/queues}. Status joins what Kafka knows (consumer
 * lag, DLQ depth) with what the workers say in their heartbeats (instances, steps running, places
 * at the provider, waiting jobs per lane, breakers, paused lanes). Actions replay or discard DLQ
 * records and pause or resume a lane; each is written to the audit log.
 */
@RestController
public class QueueController {
    private static final Logger log = LoggerFactory.getLogger(QueueController.class);
    static final int MAX_SELECTED = 1000;

    private final KafkaQueues kafka;
    private final DlqLedger ledger;
    private final WorkerBoard board;
    private final AuditLog audit;
    private final QueueSettings settings;
    private final RequestValidator validator;

    QueueController(KafkaQueues kafka, DlqLedger ledger, WorkerBoard board, AuditLog audit, QueueSettings settings,
                    RequestValidator validator) {
        this.validator = validator;
        this.kafka = kafka;
        this.ledger = ledger;
        this.board = board;
        this.audit = audit;
        this.settings = settings;
    }

    // ---- status ----

    record DlqDepth(String topic, String origin, long records, long handled, long depth) {
    }

    record Lane(String service, Priority lane, boolean paused, Instant since, String by, String reason, Long waiting,
                int liveInstances, int instancesObeying) {
    }

    record Worker(String instanceId, String service, String provider, String state, Instant lastSeen, long silentForMillis,
                  int stepsRunning, int atProvider, int providerQueueFree, Map<Priority, Long> waiting, Map<String, Long> open,
                  List<Priority> pausedLanes, boolean lanesKnown, List<com.desayre.contracts.WorkerHeartbeat.Breaker> breakers) {
    }

    record KafkaState(boolean available, String error) {
    }

    record Status(Instant at, KafkaState kafka, List<KafkaQueues.GroupLag> consumers, List<DlqDepth> dlqs,
                  List<Worker> workers, List<Lane> lanes, boolean workerTopicsRead) {
    }

    @Operation(operationId = "getQueueStatus", summary = "Consumer lag, DLQ depths, worker instances, lines and lanes")
    @GetMapping({"/api/worker", "/api/admin/queues"})
    Mono<Status> status() {
        var now = Instant.now();
        var fromKafka = Mono.fromCallable(() -> Map.entry(kafka.lag(), kafka.extents(KafkaQueues.dlqs())))
                .subscribeOn(Schedulers.boundedElastic());
        return fromKafka.flatMap(found -> forgetExpired(found.getValue()).then(ledger.handledWithin(found.getValue()))
                        .map(handled -> new Status(now, new KafkaState(true, null), found.getKey(), depths(found.getValue(), handled),
                                workers(now), lanes(now), board.caughtUp())))
                .onErrorResume(IllegalStateException.class, e -> {
                    log.warn("Queue status without Kafka's part: {}", e.getMessage());
                    return Mono.just(new Status(now, new KafkaState(false, "Kafka did not answer: " + e.getMessage()), List.of(),
                            List.of(), workers(now), lanes(now), board.caughtUp()));
                });
    }

    /** Housekeeping on the way: handled records that left Kafka are forgotten; a failure only costs a warning. */
    private Mono<Long> forgetExpired(List<KafkaQueues.Extent> extents) {
        return ledger.forgetExpired(extents).onErrorResume(e -> {
            log.warn("Could not forget expired DLQ records: {}", e.getMessage());
            return Mono.just(0L);
        });
    }

    private static List<DlqDepth> depths(List<KafkaQueues.Extent> extents, Map<String, Long> handled) {
        var depths = new ArrayList<DlqDepth>();
        for (var dlq : KafkaQueues.dlqs()) {
            long records = 0;
            long done = 0;
            for (var extent : extents) {
                if (extent.topic().equals(dlq)) {
                    records += extent.end() - extent.start();
                    done += handled.getOrDefault(dlq + "/" + extent.partition(), 0L);
                }
            }
            depths.add(new DlqDepth(dlq, KafkaQueues.defaultOrigin(dlq), records, done, records - done));
        }
        return depths;
    }

    private List<Worker> workers(Instant now) {
        return board.instances(now).stream().map(i -> {
            var beat = i.heartbeat();
            return new Worker(beat.instanceId(), beat.service(), beat.provider(), i.state(), beat.occurredAt(),
                    i.silentFor().toMillis(), beat.stepsRunning(), beat.atProvider(), beat.providerQueueFree(), beat.waiting(),
                    beat.open(), beat.pausedLanes(), beat.lanesKnown(), beat.breakers());
        }).toList();
    }

    private List<Lane> lanes(Instant now) {
        var instances = board.instances(now);
        var switches = board.switches();
        var lanes = new ArrayList<Lane>();
        for (var service : WorkerBoard.SERVICES) {
            var live = instances.stream().filter(i -> i.heartbeat().service().equals(service) && i.state().equals("live")).toList();
            var freshest = board.freshestLive(service, now);
            for (var lane : Priority.values()) {
                var switched = switches.get(LaneSwitched.key(service, lane));
                var paused = switched != null && switched.paused();
                var obeying = (int) live.stream().filter(i -> i.heartbeat().lanesKnown()
                        && i.heartbeat().pausedLanes().contains(lane) == paused).count();
                lanes.add(new Lane(service, lane, paused, switched == null ? null : switched.occurredAt(),
                        switched == null ? null : switched.requestedBy(), switched == null ? null : switched.reason(),
                        freshest.map(beat -> beat.waiting().getOrDefault(lane, 0L)).orElse(null), live.size(), obeying));
            }
        }
        return lanes;
    }

    // ---- a DLQ's records ----

    record DeadLetterView(int partition, long offset, String jobId, Instant timestamp, String origin, String failure,
                          String failureClass, int replays, int bytes, String handled) {
    }

    /** The records of one DLQ, oldest first, with what was done with each: {@code ?limit=} (1–1000, default 100). */
    @Operation(operationId = "listDeadLetters", summary = "A DLQ's records, oldest first, with what was done with each")
    @ProblemTypes({"invalid-request", "service-unavailable"})
    @GetMapping("/api/admin/queues/dlq/{topic}")
    Mono<Map<String, Object>> deadLetters(@PathVariable String topic, @RequestParam(required = false) @io.swagger.v3.oas.annotations.Parameter(schema = @io.swagger.v3.oas.annotations.media.Schema(type = "integer", minimum = "1", maximum = "" + MAX_SELECTED,
            defaultValue = "100")) String limit) {
        var dlq = knownDlq(topic, "topic");
        int max = limit(limit);
        return ledger.handled(List.of(dlq)).flatMap(handled -> Mono.fromCallable(() -> kafka.read(dlq, letter -> true, max))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(IllegalStateException.class, QueueController::kafkaDown)
                .map(letters -> {
                    var views = letters.stream().map(l -> new DeadLetterView(l.partition(), l.offset(), l.jobId(), l.timestamp(),
                            l.origin(), clip(l.header("x-exception-message")), l.header("x-desayre-failure-class"), l.replays(),
                            l.value() == null ? 0 : l.value().length,
                            handled.get(new DlqLedger.Position(dlq, l.partition(), l.offset())))).toList();
                    var body = new LinkedHashMap<String, Object>();
                    body.put("topic", dlq);
                    body.put("records", views);
                    return (Map<String, Object>) body;
                }));
    }

    // ---- actions ----

    /**
     * {@code {"action": "replay"|"discard", "dlq", "all": true | "offsets": [{"partition","offset"}] | "jobIds": […], "reason"?}}
     * or {@code {"action": "pause"|"resume", "lane": "interactive"|"batch", "worker"?: "image-worker"|"video-worker", "reason"?}}.
     */
    @Operation(operationId = "controlQueues", summary = "Replay or discard DLQ records, or pause or resume a lane",
            description = "Audited. Replay sends records back to their topic; pause and resume reach every image- and "
                    + "video-worker instance within a moment.")
    @ApiResponse(responseCode = "200", description = "Replayed or discarded: how many, and which")
    @ApiResponse(responseCode = "202", description = "Pause or resume sent to the workers")
    @ProblemTypes({"service-unavailable"})
    @PostMapping({"/api/worker", "/api/admin/queues"})
    Mono<ResponseEntity<Map<String, Object>>> act(@RequestBody QueueAction request, CurrentUser caller) {
        // checked here rather than by @Valid: its cross-field rule names fields of a record, which Spring's binding
        // result cannot read back; the answer is the same problem
        validator.check(request, List.of());
        var action = request.action().toLowerCase(Locale.ROOT);
        return request.onDlq() ? dlqAction(action, request, caller) : laneAction(action, request, caller);
    }

    private Mono<ResponseEntity<Map<String, Object>>> laneAction(String action, QueueAction request, CurrentUser caller) {
        var reason = request.reason();
        var lane = request.lane().toUpperCase(Locale.ROOT);
        var worker = request.worker() == null ? null : request.worker().toLowerCase(Locale.ROOT);
        var paused = action.equals("pause");
        var services = worker == null ? WorkerBoard.SERVICES : List.of(worker);
        var priority = Priority.valueOf(lane);
        return Mono.fromRunnable(() -> services.forEach(service -> kafka.publish(Topics.LANE_SWITCHES,
                        LaneSwitched.key(service, priority),
                        EventJson.write(LaneSwitched.of(service, priority, paused, caller.id(), reason)))))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(IllegalStateException.class, QueueController::kafkaDown)
                .then(audit.record(caller.id(), "queue.lane." + action, priority.name(), detail(Map.of(
                        "lane", priority.name(), "services", services), reason)))
                .then(Mono.fromSupplier(() -> {
                    var answer = new LinkedHashMap<String, Object>();
                    answer.put("action", action);
                    answer.put("lane", priority);
                    answer.put("services", services);
                    answer.put("detail", "Every instance of " + String.join(" and ", services) + (paused ? " stops sending "
                            : " sends ") + priority + " jobs again within a moment; GET /api/worker shows which have.");
                    return ResponseEntity.status(HttpStatus.ACCEPTED).body((Map<String, Object>) answer);
                }));
    }

    private Mono<ResponseEntity<Map<String, Object>>> dlqAction(String action, QueueAction request, CurrentUser caller) {
        var reason = request.reason();
        var dlq = request.dlq();
        var all = Boolean.TRUE.equals(request.all());
        var offsets = request.offsets() == null ? null : request.offsets().stream()
                .map(entry -> new DlqLedger.Position(dlq, entry.partition(), entry.offset())).collect(Collectors.toSet());
        var jobIds = request.jobIds() == null ? null : Set.copyOf(request.jobIds());
        var topic = dlq;
        Predicate<KafkaQueues.DeadLetter> selected = all ? letter -> true
                : offsets != null ? letter -> offsets.contains(new DlqLedger.Position(topic, letter.partition(), letter.offset()))
                : letter -> jobIds.contains(letter.jobId());
        int max = settings.maxReplay();
        return ledger.handled(List.of(topic)).flatMap(handled -> Mono.fromCallable(() -> kafka.read(topic,
                        selected.and(letter -> !handled.containsKey(new DlqLedger.Position(topic, letter.partition(), letter.offset()))),
                        max))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(IllegalStateException.class, QueueController::kafkaDown)
                .flatMap(letters -> reactor.core.publisher.Flux.fromIterable(letters)
                        // one at a time, in order: a record is marked only after the broker has it back
                        .concatMap(letter -> handle(action, topic, letter, caller))
                        .collectList()
                        .flatMap(done -> {
                            var moved = done.stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
                            var detail = new LinkedHashMap<String, Object>();
                            detail.put("dlq", topic);
                            detail.put("count", moved.size());
                            detail.put("selection", all ? "all" : offsets != null ? "offsets" : "jobIds");
                            detail.put("records", moved.stream().limit(100).map(l -> l.partition() + "/" + l.offset()).toList());
                            return audit.record(caller.id(), "queue.dlq." + action, topic, detail(detail, reason))
                                    .thenReturn(answer(action, topic, moved, done.size() - moved.size(), letters.size() >= max));
                        })));
    }

    private Mono<Map.Entry<KafkaQueues.DeadLetter, Boolean>> handle(String action, String dlq, KafkaQueues.DeadLetter letter,
                                                                   CurrentUser caller) {
        var position = new DlqLedger.Position(dlq, letter.partition(), letter.offset());
        if (action.equals("discard")) {
            return ledger.mark(position, letter.jobId(), action, null, caller.id()).map(marked -> Map.entry(letter, marked));
        }
        // sent first, then marked: a crash in between replays the record twice, which every consumer
        // tolerates (they are idempotent by job or event id), never zero times
        return Mono.fromRunnable(() -> kafka.replay(letter, caller.id()))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(IllegalStateException.class, QueueController::kafkaDown)
                .then(ledger.mark(position, letter.jobId(), action, letter.origin(), caller.id()))
                .map(marked -> Map.entry(letter, marked));
    }

    private static ResponseEntity<Map<String, Object>> answer(String action, String dlq, List<KafkaQueues.DeadLetter> moved,
                                                              int alreadyHandled, boolean more) {
        var answer = new LinkedHashMap<String, Object>();
        answer.put("action", action);
        answer.put("dlq", dlq);
        answer.put(action.equals("replay") ? "replayed" : "discarded", moved.size());
        answer.put("alreadyHandled", alreadyHandled);
        answer.put("more", more);
        answer.put("records", moved.stream().map(l -> {
            var record = new LinkedHashMap<String, Object>();
            record.put("partition", l.partition());
            record.put("offset", l.offset());
            record.put("jobId", l.jobId());
            if (action.equals("replay")) {
                record.put("to", l.origin());
            }
            return record;
        }).toList());
        return ResponseEntity.ok(answer);
    }

    private static String knownDlq(String topic, String field) {
        if (!KafkaQueues.dlqs().contains(topic)) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError(field, "'" + field + "' must be one of "
                    + String.join(", ", KafkaQueues.dlqs()) + ".")));
        }
        return topic;
    }

    private static int limit(String limit) {
        if (limit == null) {
            return 100;
        }
        try {
            var value = Integer.parseInt(limit.strip());
            if (value >= 1 && value <= MAX_SELECTED) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("limit", "'limit' must be a whole number from 1 to "
                + MAX_SELECTED + ".")));
    }

    private static Map<String, Object> detail(Map<String, ?> facts, String reason) {
        var detail = new LinkedHashMap<String, Object>(facts);
        if (reason != null) {
            detail.put("reason", reason);
        }
        return detail;
    }

    private static String clip(String text) {
        return text == null || text.length() <= 500 ? text : text.substring(0, 500) + "…";
    }

    private static ApiProblem kafkaDown(Throwable e) {
        log.warn("Queue action could not reach Kafka: {}", e.getMessage());
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, ApiProblem.KAFKA_UNAVAILABLE, "Service unavailable",
                "Kafka did not answer in time, so nothing was done; try again in a few seconds.", Map.of());
    }
}
