package com.desayre.stackit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.encoder.core.PromptEncoder;
import com.desayre.platform.JobEvents;
import com.desayre.platform.MediaLinks;
import com.desayre.platform.MediaStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each service gets from {@code platform} only the pieces it imports (platform auto-configures none of them), checked on
 * the contexts {@code ./desayre up} runs side by side in one JVM: a worker has no media store or encoder, the encoder no
 * media store, the sink no encoder, the gateway no job-event publisher.
 */
class ServiceWiringIT {
    private static final List<Class<?>> PIECES = List.of(PromptEncoder.class, MediaStore.class, MediaLinks.class, JobEvents.class);
    private static final Map<String, List<Class<?>>> USES = Map.of(
            "gateway", List.of(PromptEncoder.class, MediaStore.class, MediaLinks.class),
            "prompt-encoder", List.of(PromptEncoder.class, JobEvents.class),
            "image-worker", List.of(MediaLinks.class, JobEvents.class),
            "video-worker", List.of(MediaLinks.class, JobEvents.class),
            "storage-sink", List.of(MediaStore.class, JobEvents.class));

    private static Studio studio;

    @BeforeAll
    static void start() throws Exception {
        studio = Studio.get();
    }

    @Test
    void eachServiceHasThePlatformPiecesItUsesAndNoOthers() {
        USES.forEach((service, uses) -> {
            var context = studio.stack.service(service);
            for (var piece : PIECES) {
                assertThat(context.getBeanNamesForType(piece)).as("%s's %s", service, piece.getSimpleName())
                        .hasSize(uses.contains(piece) ? 1 : 0);
            }
        });
    }

    /** deploy/k8s probes these: liveness, and readiness once the gateway's status streams are assigned and caught up. */
    @Test
    void theGatewayAnswersTheKubernetesProbes() throws Exception {
        assertThat(studio.get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        var readiness = studio.get("/actuator/health/readiness", null);
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"");
    }
}
