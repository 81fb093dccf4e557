package com.desayre.encoder.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobKind;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What must hold for any prompt, not only the reviewed ones. */
class EncoderPropertiesTest {
    private static final PromptEncoder ENCODER = new PromptEncoder(EncoderConfig.defaults());

    /** Words that steer the rules (scenes, slots, times, media, our own tags), mixed with noise. */
    private static final List<String> VOCABULARY = List.of("woman", "dog", "perfume", "bottle", "kitchen", "street",
            "mountains", "ramen", "at night", "at sunset", "foggy", "neon", "85mm", "lens", "close-up", "moody",
            "film grain", "color grading", "photorealistic", "realistic", "watercolor", "illustration", "slow motion",
            "dolly", "walking", "keep everything else unchanged", "first frame", "product", "sky", "subtle film grain",
            "natural light", "shot on a full-frame camera", "café", "京都", "🐶", "👨‍👩‍👧", "{subject}", "${x}", "%s",
            ",", ";", ".", "\t", "\n", "\u0007", "\u200B", "  ", "and", "the", "a", "with", "lorem", "ipsum");

    @Provide
    Arbitrary<EncodeRequest> requests() {
        var vocabularyPrompt = Arbitraries.of(VOCABULARY).list().ofMinSize(1).ofMaxSize(40)
                .map(words -> String.join(" ", words));
        var anyText = Arbitraries.strings().ofMinLength(1).ofMaxLength(300);
        var longText = Arbitraries.of(VOCABULARY).list().ofMinSize(200).ofMaxSize(900).map(words -> String.join(" ", words));
        var prompt = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, vocabularyPrompt), net.jqwik.api.Tuple.of(2, anyText), net.jqwik.api.Tuple.of(1, longText));
        var profiles = Arbitraries.of("desayre-cinematic", "editorial", "product", "documentary", "none").injectNull(0.2);
        return Combinators.combine(Arbitraries.of(JobKind.class), prompt, profiles, Arbitraries.of(true, true, true, false),
                        Arbitraries.of(true, false))
                .as((kind, text, profile, enhance, source) -> new EncodeRequest(kind, text, profile, enhance, null, source));
    }

    @Property(tries = 600)
    void theSameRequestGivesTheSamePromptByteForByte(@ForAll("requests") EncodeRequest request) {
        assertThat(new PromptEncoder(EncoderConfig.defaults()).encode(request)).isEqualTo(ENCODER.encode(request));
    }

    @Property(tries = 600)
    void encodingAnEncodedPromptChangesNothing(@ForAll("requests") EncodeRequest request) {
        if (ENCODER.encode(request) instanceof EncodeResult.Encoded once) {
            var again = ENCODER.encode(new EncodeRequest(request.kind(), once.prompt(), request.profile(), request.enhance(),
                    null, request.hasSourceImage()));
            assertThat(again).isInstanceOf(EncodeResult.Encoded.class);
            assertThat(((EncodeResult.Encoded) again).prompt()).isEqualTo(once.prompt());
        }
    }

    @Property(tries = 600)
    void thePromptNeverExceedsTheModelsBudget(@ForAll("requests") EncodeRequest request) {
        if (ENCODER.encode(request) instanceof EncodeResult.Encoded encoded) {
            assertThat(PromptEncoder.length(encoded.prompt())).isLessThanOrEqualTo(encoded.route().promptBudget());
        }
    }

    @Property(tries = 600)
    void theUsersOwnWordsAlwaysSurvive(@ForAll("requests") EncodeRequest request) {
        var normalised = PromptEncoder.normalise(request.prompt());
        if (ENCODER.encode(request) instanceof EncodeResult.Encoded encoded
                && PromptEncoder.length(normalised) < encoded.route().promptBudget() - 20) {
            var userText = normalised.replaceAll("[,;:]+$", "").strip();
            assertThat(encoded.prompt()).contains(userText);
        }
    }

    @Property(tries = 600)
    void noTagIsAddedTwiceOrWhenAlreadyThere(@ForAll("requests") EncodeRequest request) {
        if (ENCODER.encode(request) instanceof EncodeResult.Encoded encoded) {
            var userWords = Words.of(PromptEncoder.normalise(request.prompt()));
            for (var added : encoded.added()) {
                assertThat(occurrences(encoded.prompt(), added)).as(added).isEqualTo(1);
                assertThat(userWords.mentions(added)).as("'%s' was already in the prompt", added).isFalse();
            }
        }
    }

    @Property(tries = 300)
    void rawModeOnlyNormalises(@ForAll("requests") EncodeRequest request) {
        var raw = new EncodeRequest(request.kind(), request.prompt(), null, false, null, false);
        if (ENCODER.encode(raw) instanceof EncodeResult.Encoded encoded) {
            var normalised = PromptEncoder.normalise(request.prompt());
            assertThat(normalised).startsWith(encoded.prompt());
            assertThat(encoded.added()).isEmpty();
            assertThat(encoded.profile()).isEqualTo(PromptEncoder.RAW_PROFILE);
        }
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }
}
