package com.desayre.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import org.junit.jupiter.api.Test;

class PromptEncodingTest {
    private final PromptEncoding encoding = new PromptEncoding();

    private static JobSpec spec(String prompt, boolean enhance) {
        return new JobSpec("u", JobKind.IMAGE, prompt, "1:1", 1024, 1024, null, null, enhance, Priority.INTERACTIVE, null);
    }

    @Test
    void addsOnlyTheCuesTheUserLeftOut() {
        var encoded = encoding.encode(spec("Woman reading in a cafe, Natural Light", true));
        assertThat(encoded).startsWith("Woman reading in a cafe, Natural Light, photorealistic");
        assertThat(encoded.toLowerCase()).containsOnlyOnce("natural light");
    }

    @Test
    void encodingAnEncodedPromptChangesNothing() {
        var once = encoding.encode(spec("a lighthouse at dusk", true));
        assertThat(encoding.encode(spec(once, true))).isEqualTo(once);
    }

    @Test
    void rawModeOnlyNormalises() {
        assertThat(encoding.encode(spec("  cafe\u0000 at\tnight  ", false))).isEqualTo("cafe at night");
    }

    @Test
    void unicodeIsNormalisedToNfc() {
        assertThat(encoding.encode(spec("cafe\u0301", false))).isEqualTo("caf\u00e9");
    }
}
