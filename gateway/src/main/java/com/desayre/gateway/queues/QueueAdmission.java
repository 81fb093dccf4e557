package com.desayre.gateway.queues;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.WorkerHeartbeat;
import com.desayre.gateway.limits.LimitExceeded;
import com.desayre.gateway.messaging.StatusBus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;

/**
 * Admission control at the door: a generation request whose jobs would make the line they join longer than
 * {@code desayre.queues.max-waiting} ({@code DESAYRE_MAX_WAITING}) is refused with 503 {@code /problems/queue-full}
 * and a {@code Retry-After} from how fast that line has been moving, before any unit is charged, anything stored
 * or anything published. A refusal now beats a job that waits for hours or expires in the queue later.
 *
 * <p>A line is one worker service's waiting jobs for the provider in one lane and the lanes sent before it (a batch
 * job waits behind every interactive one), as the freshest live heartbeat of that service says (its queue in
 * Postgres is shared by all its instances), plus the jobs this gateway instance admitted for it since that
 * heartbeat was first seen here (a burst of requests arrives faster than heartbeats). Jobs still on their way
 * through Kafka and the encoder are not counted: finding them would cost a Kafka admin call per request, and the
 * in-flight cap per user already bounds them. Everything here is in memory, so the check costs the request path
 * no call at all. With no live instance of the service nothing is known of its line, and requests are admitted
 * (they wait in Kafka for a worker). Concurrent requests may overshoot the bound by a few jobs: it is a guard, not
 * a quota.
 */
@Component
public class QueueAdmission implements DisposableBean {
    /** How far back the line's speed is measured: long enough to smooth a provider's bursts, short enough to follow it. */
    static final Duration SPEED_WINDOW = Duration.ofMinutes(2);
    /** Retry-After while the line has not moved lately (a paused lane, a provider that is down): look again in a minute. */
    static final long STILL_LINE_RETRY_AFTER = 60;
    static final long MAX_RETRY_AFTER = 3600;
    private static final int MAX_DEPARTURES = 100_000;

    private final WorkerBoard board;
    private final QueueSettings settings;
    private final Map<String, SinceBeat> admittedSinceBeat = new ConcurrentHashMap<>();
    private final Map<String, Departures> departures = new ConcurrentHashMap<>();
    private final Disposable listening;
    private final LongSupplier nanoTime;
    private final long listeningSince;

    @Autowired
    QueueAdmission(WorkerBoard board, StatusBus bus, QueueSettings settings) {
        this(board, bus, settings, System::nanoTime);
    }

    /** @param nanoTime the clock the line's pace is measured with ({@link System#nanoTime()}; tests turn it by hand) */
    QueueAdmission(WorkerBoard board, StatusBus bus, QueueSettings settings, LongSupplier nanoTime) {
        this.board = board;
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.listeningSince = nanoTime.getAsLong();
        // a SUBMITTED status is a job leaving its line for the provider: their pace is the line's speed
        this.listening = bus.events().filter(event -> event.status() == JobStatus.SUBMITTED)
                .subscribe(event -> departures.computeIfAbsent(service(event.kind()), s -> new Departures())
                        .add(nanoTime.getAsLong()));
    }

    /** The worker service that runs a kind of job. */
    static String service(JobKind kind) {
        return kind == JobKind.VIDEO ? "video-worker" : "image-worker";
    }

    /** Refuses the request (503 queue-full) when a line its jobs would join is full; else counts them in it. */
    public void admit(List<JobSpec> specs) {
        int max = settings.maxWaiting();
        if (max <= 0) {
            return;
        }
        var now = Instant.now();
        var joining = new TreeMap<String, long[]>();
        for (var spec : specs) {
            joining.computeIfAbsent(service(spec.kind()), s -> new long[Priority.values().length])[lane(spec).ordinal()]++;
        }
        var counted = new TreeMap<String, SinceBeat>();
        for (var entry : joining.entrySet()) {
            var service = entry.getKey();
            var beat = board.freshestLive(service, now);
            if (beat.isEmpty()) {
                continue;
            }
            var since = admittedSinceBeat.compute(service, (s, held) -> held != null && held.beatId.equals(beat.get().eventId())
                    ? held : new SinceBeat(beat.get().eventId()));
            for (var lane : Priority.values()) {
                if (entry.getValue()[lane.ordinal()] == 0) {
                    continue;
                }
                long line = line(beat.get(), since, lane);
                long adding = entry.getValue()[lane.ordinal()];
                if (line + adding > max) {
                    throw LimitExceeded.queueFull(service, lane, line, max, retryAfterSeconds(service, line + adding - max));
                }
            }
            counted.put(service, since);
        }
        counted.forEach((service, since) -> {
            var adding = joining.get(service);
            for (var lane : Priority.values()) {
                since.admitted.addAndGet(lane.ordinal(), adding[lane.ordinal()]);
            }
        });
    }

    /** Jobs waiting in {@code lane} and every lane sent before it. */
    private static long line(WorkerHeartbeat beat, SinceBeat since, Priority lane) {
        long line = 0;
        for (var ahead : Priority.values()) {
            if (ahead.ordinal() <= lane.ordinal()) {
                line += beat.waiting().getOrDefault(ahead, 0L) + since.admitted.get(ahead.ordinal());
            }
        }
        return line;
    }

    private static Priority lane(JobSpec spec) {
        return spec.priority() == null ? Priority.INTERACTIVE : spec.priority();
    }

    /** How long until {@code over} jobs have left the line, at the pace jobs left it lately; clamped to [1 s, 1 h]. */
    long retryAfterSeconds(String service, long over) {
        var left = departures.get(service);
        double perSecond = left == null ? 0 : left.perSecond(nanoTime.getAsLong(), listeningSince);
        if (perSecond <= 0) {
            return STILL_LINE_RETRY_AFTER;
        }
        return Math.max(1, Math.min(MAX_RETRY_AFTER, (long) Math.ceil(Math.max(1, over) / perSecond)));
    }

    /** The jobs this instance admitted into a service's lines since the heartbeat {@code beatId}, per lane. */
    private record SinceBeat(String beatId, AtomicLongArray admitted) {
        SinceBeat(String beatId) {
            this(beatId, new AtomicLongArray(Priority.values().length));
        }
    }

    /** When jobs left a service's line lately (nanoTime), oldest first, within {@link #SPEED_WINDOW}. */
    private static final class Departures {
        private final ArrayDeque<Long> times = new ArrayDeque<>();

        synchronized void add(long nanos) {
            times.addLast(nanos);
            if (times.size() > MAX_DEPARTURES) {
                times.removeFirst();
            }
            forgetBefore(nanos - SPEED_WINDOW.toNanos());
        }

        /** Jobs per second over the window (or since this gateway started listening, if that is shorter). */
        synchronized double perSecond(long now, long listeningSince) {
            forgetBefore(now - SPEED_WINDOW.toNanos());
            if (times.isEmpty()) {
                return 0;
            }
            long span = Math.min(SPEED_WINDOW.toNanos(), now - listeningSince);
            return times.size() / Math.max(1.0, span / 1e9);
        }

        private void forgetBefore(long oldest) {
            while (!times.isEmpty() && times.peekFirst() < oldest) {
                times.removeFirst();
            }
        }
    }

    @Override
    public void destroy() {
        listening.dispose();
    }
}
