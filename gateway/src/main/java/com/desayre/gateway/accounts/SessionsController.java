package com.desayre.gateway.accounts;

import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * One's own open sessions (managed from a signed-in session only, like the password: see SecurityConfiguration):
 * list them, end one, end every other. Ending a session revokes it ({@link Revocations}): its tokens are refused at
 * once here and within a revocation poll elsewhere, and its event streams end.
 */
@RestController
@RequestMapping(SecurityConfiguration.SESSIONS_PATH)
class SessionsController {
    private final SessionLog sessions;

    SessionsController(SessionLog sessions) {
        this.sessions = sessions;
    }

    @Operation(operationId = "listSessions", summary = "Your open sessions: the browser or program, when each began and was last seen",
            description = "`current` marks the session of this request. Last seen is recorded at most once a minute.")
    @GetMapping
    Mono<List<SessionLog.OpenSession>> list(CurrentUser user, Authentication authentication) {
        return sessions.open(user.id(), currentSid(authentication)).collectList();
    }

    @Operation(operationId = "endSession", summary = "End one of your sessions: its tokens are refused from now on")
    @ApiResponse(responseCode = "204", description = "Ended")
    @ProblemTypes({"not-found"})
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> end(@PathVariable String id, CurrentUser user) {
        return sessions.end(user.id(), id).onErrorMap(e -> !(e instanceof ApiProblem), SessionsController::notRecorded);
    }

    @Operation(operationId = "endOtherSessions", summary = "End every session of yours but this one",
            description = "Answers how many ended, e.g. `{\"ended\":2}`.")
    @PostMapping("/end-others")
    Mono<Map<String, Long>> endOthers(CurrentUser user, Authentication authentication) {
        return sessions.endOthers(user.id(), currentSid(authentication)).map(ended -> Map.of("ended", ended))
                .onErrorMap(e -> !(e instanceof ApiProblem), SessionsController::notRecorded);
    }

    /** Only sessions reach these paths (SecurityConfiguration), so there is always a sid. */
    private static String currentSid(Authentication authentication) {
        return authentication instanceof DesayreAuthentication signedIn && signedIn.sessionToken() != null
                ? signedIn.sessionToken().getClaimAsString(Sessions.SESSION_ID) : "";
    }

    /** Like a sign-out: an end is never reported done without being durable. */
    private static ApiProblem notRecorded(Throwable e) {
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, ApiProblem.KAFKA_UNAVAILABLE, "Service unavailable",
                "The session could not be ended just now; try again in a few seconds.", Map.of());
    }
}
