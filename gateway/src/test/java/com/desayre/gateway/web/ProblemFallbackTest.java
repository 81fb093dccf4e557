package com.desayre.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.platform.MediaStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;

/** {@link ProblemFallback}: behind a real Reactor Netty server, as the gateway runs it, and for a client that hung up. */
class ProblemFallbackTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void aProblemRaisedOutsideAControllerKeepsItsFieldErrors() throws Exception {
        var answer = serve(exchange -> Mono.error(ApiProblem.invalid(List.of(new ApiProblem.FieldError("image", "Attach one image.")))));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("\"type\":\"/problems/invalid-request\"")
                .contains("\"errors\":[{\"field\":\"image\",\"message\":\"Attach one image.\"}]");
    }

    @Test
    void anUnexpectedErrorIsLoggedOnceWithItsStackTraceAndAnsweredWithARequestIdAndNoTrace() throws Exception {
        var logs = capture();
        try {
            var answer = serve(exchange -> Mono.error(new IllegalStateException("secret internals")));
            assertThat(answer.statusCode()).isEqualTo(500);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(answer.body()).contains("\"type\":\"/problems/internal-error\"", "request id")
                    .doesNotContain("IllegalStateException", "secret internals", "\tat ");
        } finally {
            release(logs);
        }
        assertThat(logs.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
            assertThat(event.getThrowableProxy()).as("the stack trace is in the log").isNotNull();
        });
    }

    @Test
    void aDatabaseThatCannotBeReachedIs503WithRetryAfterAndOneLineNoStackTrace() throws Exception {
        var logs = capture();
        try {
            // what R2DBC says while PostgreSQL restarts (chaos: PostgreSQL stopped 20 s under load answered 500s before)
            var answer = serve(exchange -> Mono.error(new org.springframework.dao.DataAccessResourceFailureException(
                    "Failed to obtain R2DBC Connection", new io.r2dbc.spi.R2dbcNonTransientResourceException("Connection refused"))));
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(answer.body()).contains("\"type\":\"/problems/database-unavailable\"", "Try again in a few seconds")
                    .doesNotContain("R2DBC", "\tat ");
        } finally {
            release(logs);
        }
        assertThat(logs.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(event.getThrowableProxy()).isNull();
        });
    }

    @Test
    void clientErrorsOutsideControllersLogNoStackTraceEvenWithAnUnnamedStatus() throws Exception {
        var logs = capture();
        try {
            for (var code : List.of(404, 405, 499)) {
                var answer = serve(exchange -> Mono.error(new org.springframework.web.server.ResponseStatusException(
                        org.springframework.http.HttpStatusCode.valueOf(code))));
                assertThat(answer.statusCode()).isEqualTo(code == 499 ? 400 : code);
                assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            }
            var rejected = serve(exchange -> Mono.error(new org.springframework.security.web.server.firewall.ServerExchangeRejectedException(
                    "The request was rejected because the URL contained a potentially malicious String \"%2F\"")));
            assertThat(rejected.statusCode()).isEqualTo(400);
            assertThat(rejected.body()).contains("/problems/rejected-request").doesNotContain("malicious");
        } finally {
            release(logs);
        }
        assertThat(logs.list).noneMatch(event -> event.getThrowableProxy() != null)
                .noneMatch(event -> event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN));
    }

    private static ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> capture() {
        var logs = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        logs.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ProblemFallback.class)).addAppender(logs);
        return logs;
    }

    private static void release(ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs) {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ProblemFallback.class)).detachAppender(logs);
    }

    @Test
    void aConnectionResetFromTheMediaStoreWhileTheClientWaitsIsAnErrorWithAnAnswer() throws Exception {
        // as S3MediaStore reports R2 resetting its connection: the text says "Connection reset", the client is still there
        var answer = serve(exchange -> Mono.error(new UncheckedIOException("Storing the upload failed",
                new MediaStoreException("S3 request failed: Connection reset by peer", new IOException("Connection reset by peer")))));

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).contains("\"type\":\"/problems/internal-error\"").contains("request id");
    }

    @Test
    void aClientThatHungUpGetsNoAnswerWritten() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/generate/edit"));

        new ProblemFallback().handle(exchange, new IOException("recvAddress(..) failed: Connection reset by peer")).block();

        assertThat(exchange.getResponse().getStatusCode()).isNull();
        assertThat(exchange.getResponse().isCommitted()).as("nothing written").isFalse();
    }

    @Test
    void anErrorAfterTheAnswerWasSentIsOneLineWithoutAStackTrace() {
        // as when Netty's codec has answered a body it could not decode (a broken chunk) and the handler fails after it
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/generate/image"));
        exchange.getResponse().setComplete().block();
        var logs = capture();
        try {
            new ProblemFallback().handle(exchange, new IllegalStateException("Status and headers already sent")).block();
        } finally {
            release(logs);
        }
        assertThat(logs.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(event.getThrowableProxy()).isNull();
            assertThat(event.getFormattedMessage()).contains("after its answer was sent", "Status and headers already sent");
        });
    }

    private HttpResponse<String> serve(Function<ServerWebExchange, Mono<Void>> handler) throws Exception {
        var httpHandler = WebHttpHandlerBuilder.webHandler(handler::apply).exceptionHandler(new ProblemFallback()).build();
        var server = HttpServer.create().host("127.0.0.1").port(0).handle(new ReactorHttpHandlerAdapter(httpHandler)).bindNow();
        try {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/generate/edit"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } finally {
            server.disposeNow();
        }
    }
}
