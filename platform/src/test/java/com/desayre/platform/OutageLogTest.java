package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OutageLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("outage-log-test");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final AtomicLong now = new AtomicLong();
    private final OutageLog outages = new OutageLog(logger, "Could not look for due jobs", Duration.ofSeconds(30), now::get);

    @BeforeEach
    void listen() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
    }

    @Test
    void anOutageIsSaidWhenItStartsEveryThirtySecondsWhileItLastsAndWhenItEnds() {
        var away = new IllegalStateException("Failed to obtain R2DBC Connection", new ConnectException("Connection refused"));
        for (int tick = 0; tick < 70; tick++) { // one failure a second for 70 s
            now.set(Duration.ofSeconds(tick).toNanos());
            outages.failed(away);
        }
        outages.succeeded();
        outages.succeeded(); // nothing more to say

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
                first -> assertThat(first).startsWith("Could not look for due jobs: java.lang.IllegalStateException")
                        .contains("a server is away"),
                at30 -> assertThat(at30).contains("still away after 30 s, 30 more failure(s)"),
                at60 -> assertThat(at60).contains("still away after 60 s, 30 more failure(s)"),
                back -> assertThat(back).isEqualTo("Could not look for due jobs: the server is back after 69 s (70 failure(s) in all)"));
        assertThat(lines.list.get(3).getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aFailureThatIsNoOutageIsSaidEveryTime() {
        outages.failed(new IllegalArgumentException("bad column"));
        outages.failed(new IllegalArgumentException("bad column"));
        outages.succeeded();

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("Could not look for due jobs: java.lang.IllegalArgumentException: bad column",
                        "Could not look for due jobs: java.lang.IllegalArgumentException: bad column");
    }
}
