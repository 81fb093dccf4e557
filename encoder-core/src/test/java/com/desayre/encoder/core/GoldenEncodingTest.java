package com.desayre.encoder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every prompt in {@code golden/prompts.tsv} against its reviewed encoding in
 * {@code golden/expected.txt}. After a deliberate rule change, regenerate with
 * {@code ./mvnw -pl encoder-core test -Dgolden.update=true}, review the diff, and bump
 * {@link PromptEncoder#RULES_VERSION}.
 */
class GoldenEncodingTest {
    private static final Path EXPECTED = Path.of("src/test/resources/golden/expected.txt");

    @Test
    void everyGoldenPromptEncodesAsReviewed() throws Exception {
        var encoder = new PromptEncoder(EncoderConfig.defaults());
        var actual = new StringBuilder();
        for (var golden : GoldenPrompts.all()) {
            actual.append("== ").append(golden.id()).append('\n');
            var result = encoder.encode(golden.request());
            if (result instanceof EncodeResult.Encoded e) {
                actual.append("prompt:   ").append(e.prompt()).append('\n')
                        .append("profile:  ").append(e.profile()).append("  ").append(e.version()).append('\n')
                        .append("model:    ").append(e.route().model()).append('\n');
            } else if (result instanceof EncodeResult.Rejected r) {
                actual.append("rejected: ").append(r.code()).append(' ').append(r.reason()).append('\n');
            }
        }
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(EXPECTED, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual.toString()).isEqualTo(Files.readString(EXPECTED, StandardCharsets.UTF_8));
    }
}
