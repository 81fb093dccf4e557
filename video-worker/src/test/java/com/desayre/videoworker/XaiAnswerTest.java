package com.desayre.videoworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.desayre.workerkit.FailureClass;
import com.desayre.workerkit.ProviderFailure;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Every poll body variant the public record shows (docs/providers.md §2.3), read the same way. */
class XaiAnswerTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static com.desayre.workerkit.ProviderAnswer read(String body) {
        return XaiClient.answer("r1", JSON.readTree(body));
    }

    private static FailureClass failure(String body) {
        try {
            read(body);
        } catch (ProviderFailure f) {
            return f.failureClass();
        }
        throw new AssertionError("no failure for " + body);
    }

    @Test
    void pendingInEveryShape() {
        assertThat(read("{\"status\":\"pending\",\"progress\":37}").progress()).isEqualTo(37);
        assertThat(read("{\"status\":\"pending\"}").progress()).isNull();
        assertThat(read("{\"request_id\":\"r1\"}").done()).isFalse();
        assertThat(read("{\"status\":\"queued\"}").done()).isFalse();
    }

    @Test
    void doneWithOrWithoutAStatus() {
        var done = read("{\"status\":\"done\",\"video\":{\"url\":\"https://v/x.mp4\",\"duration\":6,\"respect_moderation\":true}}");
        assertThat(done.done()).isTrue();
        assertThat(done.outputs()).containsExactly("https://v/x.mp4");
        assertThat(done.providerId()).isEqualTo("r1");
        assertThat(read("{\"video\":{\"url\":\"https://v/y.mp4\"},\"model\":\"grok-imagine-video\"}").outputs())
                .containsExactly("https://v/y.mp4");
    }

    @Test
    void failuresAreClassified() {
        assertThat(failure("{\"status\":\"done\",\"video\":{\"respect_moderation\":false}}")).isEqualTo(FailureClass.CONTENT_POLICY);
        assertThat(failure("{\"status\":\"done\",\"video\":{}}")).isEqualTo(FailureClass.PROVIDER_FAILED);
        assertThat(failure("{\"status\":\"expired\"}")).isEqualTo(FailureClass.EXPIRED);
        assertThatThrownBy(() -> read("{\"status\":\"failed\",\"error\":{\"code\":\"internal_error\",\"message\":\"boom\"}}"))
                .isInstanceOfSatisfying(ProviderFailure.class, f -> assertThat(f.providerMessage()).isEqualTo("boom"));
        // a mock's flat form
        assertThatThrownBy(() -> read("{\"status\":\"failed\",\"code\":\"generation_failed\",\"error\":\"flat\"}"))
                .isInstanceOfSatisfying(ProviderFailure.class, f -> assertThat(f.getMessage()).contains("generation_failed flat"));
    }
}
