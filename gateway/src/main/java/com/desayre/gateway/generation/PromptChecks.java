package com.desayre.gateway.generation;

import com.desayre.contracts.JobError;
import com.desayre.encoder.core.EncodeRequest;
import com.desayre.encoder.core.EncodeResult;
import com.desayre.encoder.core.PromptEncoder;
import com.desayre.gateway.web.ApiProblem;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Runs the same encoder the pipeline runs, at the door: a prompt the encoder would reject, an
 * unknown style profile or an option the model cannot do is answered at once, and never becomes
 * a queued job that fails later. (The encoder still checks: integrations publish directly.)
 */
@Component
class PromptChecks {
    static final String PROMPT_REJECTED = "prompt-rejected";

    private final PromptEncoder encoder;

    PromptChecks(PromptEncoder encoder) {
        this.encoder = encoder;
    }

    EncodeResult.Encoded encode(EncodeRequest request) {
        var result = encoder.encode(request);
        if (result instanceof EncodeResult.Rejected rejected) {
            throw problem(rejected);
        }
        return (EncodeResult.Encoded) result;
    }

    PromptEncoder encoder() {
        return encoder;
    }

    private static ApiProblem problem(EncodeResult.Rejected rejected) {
        if (JobError.PROMPT_REJECTED.equals(rejected.code())) {
            return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, PROMPT_REJECTED, "Prompt not allowed", rejected.reason(),
                    Map.of("errors", List.of(new ApiProblem.FieldError(rejected.field(), rejected.reason()))));
        }
        return ApiProblem.invalid(List.of(new ApiProblem.FieldError(rejected.field(), rejected.reason())));
    }
}
