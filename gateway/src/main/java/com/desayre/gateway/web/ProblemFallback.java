package com.desayre.gateway.web;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * What {@link ProblemHandler} never sees — errors raised outside a controller (the security
 * firewall refusing a request, a route-level failure) and anything unexpected — still answers
 * problem+json, never Spring's default error body and never a stack trace. An unexpected error
 * is logged here with its request id, which the answer carries so a person can report it.
 */
@Component
@Order(-2) // before Spring Boot's default error handler (-1)
public class ProblemFallback implements WebExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemFallback.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (error instanceof ApiProblem problem) {
            return ProblemResponses.write(exchange, problem.status(), problem.type(), problem.title(),
                    problem.getMessage(), Map.of(), problem.properties());
        }
        if (error instanceof ResponseStatusException status && status.getStatusCode().is4xxClientError()) {
            // a code HttpStatus does not name (499…) is still a client error: answered as 400, never a second failure here
            var known = HttpStatus.resolve(status.getStatusCode().value());
            var code = known == null ? HttpStatus.BAD_REQUEST : known;
            return ProblemResponses.write(exchange, code, code.name().toLowerCase().replace('_', '-'),
                    code.getReasonPhrase(), "The request was refused: " + (status.getReason() == null ? code.getReasonPhrase()
                            : status.getReason()) + ". Check the URL, its parameters and the body.", Map.of());
        }
        if (error instanceof ServerExchangeRejectedException rejected) {
            return rejected(exchange, rejected);
        }
        if (com.desayre.platform.DatabaseOutages.databaseAway(error)) {
            // PostgreSQL restarting or unreachable: nothing was done, and the client can simply try again (found by chaos)
            log.warn("[{}] {} {}: the database is unreachable ({})", exchange.getRequest().getId(), exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), error.toString());
            return ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "Service unavailable",
                    "DESAYRE's database cannot be reached just now, so nothing was done. Try again in a few seconds.",
                    Map.of("Retry-After", "5"));
        }
        if (clientWentAway(error)) {
            // the client closed the connection mid-answer: nothing to answer, nothing wrong here
            log.debug("Client went away during {} {}: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                    error.toString());
            return Mono.empty();
        }
        var requestId = exchange.getRequest().getId();
        if (exchange.getResponse().isCommitted()) {
            // the answer is already on its way (Netty's HTTP codec answers a body it cannot decode, e.g. a broken chunk, itself):
            // there is nothing left to answer, so one line, not a stack trace per malformed request
            log.warn("[{}] {} {} failed after its answer was sent: {}", requestId, exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), error.toString());
            return Mono.empty();
        }
        log.error("[{}] Unexpected error for {} {}", requestId, exchange.getRequest().getMethod(), exchange.getRequest().getPath(), error);
        return ProblemResponses.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "Something went wrong on our side. Try again; if it keeps happening, tell an admin this request id: " + requestId + ".",
                Map.of());
    }

    /** A request the security firewall refused: one line at debug, and a 400 problem. */
    public static Mono<Void> rejected(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        log.debug("Refused {} {}: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), rejected.getMessage());
        return ProblemResponses.write(exchange, HttpStatus.BAD_REQUEST, "rejected-request", "Request rejected",
                "The request's URL or headers contain what is not allowed (an encoded slash, backslash, NUL or line break, a ';' "
                + "or a '..' segment in the path, …). Use plain paths and encode parameters as plain text.", Map.of());
    }

    /**
     * The client closed the connection: an aborted write, a closed channel, or a reset or broken
     * pipe. A failure of the media store (its own connection to R2 reset, say) is never taken for
     * that, whatever its message says: the client is still waiting and gets its answer.
     */
    private static boolean clientWentAway(Throwable error) {
        var looksLikeAHangUp = false;
        for (var cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof com.desayre.platform.MediaStoreException) {
                return false;
            }
            if (cause instanceof reactor.netty.channel.AbortedException || cause instanceof java.nio.channels.ClosedChannelException
                    || cause instanceof java.io.IOException io && io.getMessage() != null
                    && (io.getMessage().contains("Connection reset") || io.getMessage().contains("Broken pipe"))) {
                looksLikeAHangUp = true;
            }
        }
        return looksLikeAHangUp;
    }
}
