package com.desayre.gateway.generation;

import com.desayre.contracts.JobKind;
import com.desayre.encoder.core.EncodeRequest;
import com.desayre.gateway.web.RequestFields;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Lets a person see what DESAYRE will send before spending money: the encoding of a prompt
 * without generating anything, and the style profiles to choose from.
 */
@RestController
@RequestMapping("/api/prompts")
public class PromptController {
    public static final Set<String> FIELDS = Set.of("prompt", "kind", "styleProfile", "enhance", "aspectRatio", "sourceImage");

    private final PromptChecks checks;

    PromptController(PromptChecks checks) {
        this.checks = checks;
    }

    record Preview(String prompt, String negativePrompt, String profile, String encoderVersion, List<String> added,
                   String provider, String model, int promptBudget) {
    }

    record Profile(String name, String description, boolean isDefault, String encoderVersion, List<String> styleTags) {
    }

    @PostMapping("/preview")
    Preview preview(@RequestBody JsonNode body) {
        var fields = new RequestFields(body, FIELDS);
        var prompt = GenerationController.prompt(fields, "the prompt to preview.");
        var kind = JobKind.valueOf(fields.optionalChoice("kind", List.of("image", "edit", "video"), "image").toUpperCase(Locale.ROOT));
        var profile = fields.optionalText("styleProfile");
        var enhance = fields.optionalBoolean("enhance", true);
        var aspectRatio = fields.optionalText("aspectRatio");
        var sourceImage = fields.optionalBoolean("sourceImage", kind == JobKind.EDIT);
        fields.throwIfInvalid();
        var encoded = checks.encode(new EncodeRequest(kind, prompt, profile, enhance, aspectRatio, sourceImage));
        return new Preview(encoded.prompt(), encoded.negativePrompt(), encoded.profile(), encoded.version(), encoded.added(),
                encoded.route().provider(), encoded.route().model(), encoded.route().promptBudget());
    }

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
