package com.desayre.encoder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromptEncoderTest {
    private final PromptEncoder encoder = new PromptEncoder(EncoderConfig.defaults());

    private EncodeResult.Rejected rejected(EncodeRequest request) {
        var result = encoder.encode(request);
        assertThat(result).isInstanceOf(EncodeResult.Rejected.class);
        return (EncodeResult.Rejected) result;
    }

    private EncodeResult.Encoded encoded(EncodeRequest request) {
        var result = encoder.encode(request);
        assertThat(result).isInstanceOf(EncodeResult.Encoded.class);
        return (EncodeResult.Encoded) result;
    }

    @Test
    void aPromptEmptyOnceNormalisedIsRejectedWithAReasonToActOn() {
        var rejected = rejected(EncodeRequest.image("\u0000\u0007 \u200B\t"));
        assertThat(rejected.code()).isEqualTo(JobError.PROMPT_REJECTED);
        assertThat(rejected.field()).isEqualTo("prompt");
        assertThat(rejected.reason()).contains("Describe what you want");
    }

    @Test
    void aBlockedTermRejectsThePromptAndNamesTheTerm() {
        var rejected = rejected(EncodeRequest.image("a poster about CSAM awareness"));
        assertThat(rejected.code()).isEqualTo(JobError.PROMPT_REJECTED);
        assertThat(rejected.reason()).contains("\"csam\"").contains("Rephrase");
        // raw mode is checked too: switching enhancement off is no way around the policy
        assertThat(encoder.encode(new EncodeRequest(JobKind.IMAGE, "csam", null, false, null, false)))
                .isInstanceOf(EncodeResult.Rejected.class);
    }

    @Test
    void theModerationHookCanRejectToo() {
        var moderated = new PromptEncoder(EncoderConfig.defaults(),
                prompt -> prompt.contains("forbidden") ? Optional.of("Not here.") : Optional.empty());
        assertThat(moderated.encode(EncodeRequest.image("a forbidden fruit"))).isEqualTo(
                new EncodeResult.Rejected(JobError.PROMPT_REJECTED, "prompt", "Not here."));
    }

    @Test
    void anUnknownProfileNamesTheOnesThatExist() {
        var rejected = rejected(new EncodeRequest(JobKind.IMAGE, "a cat", "noir", true, null, false));
        assertThat(rejected.code()).isEqualTo(PromptEncoder.UNKNOWN_PROFILE);
        assertThat(rejected.field()).isEqualTo("styleProfile");
        assertThat(rejected.reason()).contains("desayre-cinematic", "editorial", "product", "documentary", "none");
    }

    @Test
    void anAspectRatioTheModelCannotMakeIsRejectedWithTheOnesItCan() {
        var rejected = rejected(new EncodeRequest(JobKind.EDIT, "make it blue", null, true, "21:9", false));
        assertThat(rejected.code()).isEqualTo(PromptEncoder.UNSUPPORTED_OPTION);
        assertThat(rejected.reason()).contains("grok-imagine-image-i2i").contains("21:9").contains("16:9");
        assertThat(encoder.encode(new EncodeRequest(JobKind.IMAGE, "a cat", null, true, "21:9", false)))
                .isInstanceOf(EncodeResult.Encoded.class);
    }

    @Test
    void theRouterSendsEachKindToItsModel() {
        assertThat(encoded(EncodeRequest.image("a cat")).route().model()).isEqualTo("nano-banana-pro");
        assertThat(encoded(new EncodeRequest(JobKind.EDIT, "make it blue", null, true, null, false)).route().model())
                .isEqualTo("grok-imagine-image-i2i");
        var video = encoded(new EncodeRequest(JobKind.VIDEO, "waves", null, true, null, true)).route();
        assertThat(video.provider()).isEqualTo("xai");
        assertThat(video.model()).isEqualTo("grok-imagine-video");
    }

    @Test
    void changingAProfileChangesTheVersion() {
        var profiles = new java.util.LinkedHashMap<>(EncoderConfig.defaultProfiles());
        var house = profiles.get("desayre-cinematic");
        profiles.put("desayre-cinematic", new StyleProfile(house.name(), house.description(),
                List.of("cinematic colour grading"), house.negativeTerms(), house.slotFills()));
        var changed = new PromptEncoder(new EncoderConfig(profiles, "desayre-cinematic", EncoderConfig.defaultRoutes(), List.of()));
        assertThat(changed.version("desayre-cinematic")).isNotEqualTo(encoder.version("desayre-cinematic"));
        assertThat(changed.version("editorial")).isEqualTo(encoder.version("editorial"));
    }

    @Test
    void aNegativePromptGoesOnlyToModelsThatTakeOneAndNeverNegatesTheRequest() {
        assertThat(encoded(EncodeRequest.image("a cat")).negativePrompt()).isNull();
        var routes = List.of(new ModelRoute(JobKind.IMAGE, "modelslabs", "sdxl", 1000, true, EncoderConfig.IMAGE_RATIOS));
        var withNegative = new PromptEncoder(new EncoderConfig(EncoderConfig.defaultProfiles(), "desayre-cinematic", routes, List.of()));
        var portrait = (EncodeResult.Encoded) withNegative.encode(EncodeRequest.image("portrait of a woman, watercolor texture"));
        assertThat(portrait.negativePrompt()).contains("extra fingers").contains("cartoon").doesNotContain("watercolor");
        var cartoon = (EncodeResult.Encoded) withNegative.encode(EncodeRequest.image("a cartoon of a woman"));
        assertThat(cartoon.negativePrompt()).doesNotContain("cartoon");
    }

    @Test
    void templateCharactersInUserTextStayLiteral() {
        var prompt = encoded(EncodeRequest.image("a sign that reads {subject} ${style} %s")).prompt();
        assertThat(prompt).startsWith("a sign that reads {subject} ${style} %s, ");
    }

    @Test
    void aStyleTagThatNamesASubjectIsRefusedAtConfiguration() {
        var profiles = Map.of("pets", new StyleProfile("pets", "", List.of("cute dog"), List.of(), Map.of()));
        assertThatThrownBy(() -> new EncoderConfig(profiles, "pets", EncoderConfig.defaultRoutes(), List.of()))
                .hasMessageContaining("cute dog");
    }

    @Test
    void everyFillNamesOnlyItsOwnSceneAndMentionsItsSlot() {
        for (var scene : Scene.values()) {
            for (var slot : Slot.values()) {
                var fill = SceneRules.fill(scene, slot);
                if (fill == null) {
                    continue;
                }
                var words = Words.of(fill);
                assertThat(slot.filledIn(words)).as("%s %s: '%s' must mention its slot", scene, slot, fill).isTrue();
                assertThat(Scene.of(words)).as("'%s' (%s) reads as another scene", fill, scene).isIn(scene, Scene.GENERAL);
            }
        }
        for (var light : List.of(SceneRules.NIGHT_LIGHT, SceneRules.GOLDEN_LIGHT, SceneRules.DIFFUSED_LIGHT)) {
            assertThat(Slot.LIGHTING.filledIn(Words.of(light))).isTrue();
            assertThat(Scene.of(Words.of(light))).isEqualTo(Scene.GENERAL);
        }
    }
}
