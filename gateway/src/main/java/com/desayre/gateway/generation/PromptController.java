package com.desayre.gateway.generation;

import com.desayre.contracts.JobKind;
import com.desayre.encoder.core.EncodeRequest;
import com.desayre.gateway.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Lets a person see what DESAYRE will send before spending money: the encoding of a prompt
 * without generating anything, and the style profiles to choose from.
 */
@RestController
@RequestMapping("/api/prompts")
public class PromptController {
    private final PromptChecks checks;

    PromptController(PromptChecks checks) {
        this.checks = checks;
    }

    record Preview(String prompt, @Schema(nullable = true) String negativePrompt, String profile, String encoderVersion, List<String> added,
                   String provider, String model, int promptBudget) {
    }

    record Profile(String name, String description, boolean isDefault, String encoderVersion, List<String> styleTags) {
    }

    @Operation(operationId = "previewPrompt", summary = "What the encoder would send to the provider, without generating anything")
    @ProblemTypes({"prompt-rejected"})
    @PostMapping("/preview")
    Preview preview(@RequestBody @Valid PreviewRequest request) {
        var kind = request.jobKind();
        var enhance = request.enhance() == null || request.enhance();
        var sourceImage = request.sourceImage() != null ? request.sourceImage() : kind == JobKind.EDIT;
        var encoded = checks.encode(new EncodeRequest(kind, request.prompt(), request.styleProfile(), enhance, request.aspectRatio(),
                sourceImage));
        return new Preview(encoded.prompt(), encoded.negativePrompt(), encoded.profile(), encoded.version(), encoded.added(),
                encoded.route().provider(), encoded.route().model(), encoded.route().promptBudget());
    }

    @Operation(operationId = "listStyleProfiles", summary = "The house styles, the default, and each one's version")
    @GetMapping("/profiles")
    List<Profile> profiles() {
        var encoder = checks.encoder();
        var config = encoder.config();
        return config.profiles().values().stream()
                .map(p -> new Profile(p.name(), p.description(), p.name().equals(config.defaultProfile()),
                        encoder.version(p.name()), p.styleTags()))
                .toList();
    }
}
