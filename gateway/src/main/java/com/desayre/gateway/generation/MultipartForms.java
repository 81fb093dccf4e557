package com.desayre.gateway.generation;

import com.desayre.gateway.web.ApiProblem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.codec.Hints;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.multipart.DefaultPartHttpMessageReader;
import org.springframework.http.codec.multipart.MultipartHttpMessageReader;
import org.springframework.http.codec.multipart.Part;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads a multipart form within {@link UploadSettings}' bounds, and answers every way one can be
 * wrong as a problem naming the limit: too many parts (400), a field or the whole request too
 * large (413), part headers too large, a missing boundary or an unfinished body (400).
 *
 * <p>The part count and the whole request's size are checked here, on the bytes as they arrive,
 * before Spring's part reader sees them: that reader's own part limit fails while it is still
 * handing out the buffers of the part it refused, releases them twice (a Netty
 * {@code IllegalReferenceCountException}) and answers 500; and a body that fails in the middle of
 * a part (cut short, or failed by a limit) has its error reported twice, the second logged as
 * dropped. So nothing here fails the body: see {@link Scan}.
 */
@Component
class MultipartForms {
    static final String TOO_MANY_PARTS = "too-many-parts";
    static final String FIELD_TOO_LARGE = "multipart-field-too-large";
    static final String MALFORMED = "malformed-multipart";
    private static final ResolvableType FORM = ResolvableType.forClassWithGenerics(MultiValueMap.class, String.class, Part.class);

    private final UploadSettings settings;
    private final MultipartHttpMessageReader reader;

    MultipartForms(UploadSettings settings) {
        this.settings = settings;
        var parts = new DefaultPartHttpMessageReader();
        // one more than ours: the count here refuses first, so the reader's own (faulty) refusal never runs
        parts.setMaxParts(settings.maxParts() + 1);
        parts.setMaxInMemorySize((int) settings.maxFieldSize().toBytes());
        parts.setMaxHeadersSize((int) settings.maxPartHeadersSize().toBytes());
        // a file past the upload limit is refused by Uploads with the clearer sentence; this keeps the disk bounded
        parts.setMaxDiskUsagePerPart(settings.maxSize().toBytes() + 1);
        this.reader = new MultipartHttpMessageReader(parts);
    }

    /** Reads the form, hands it to {@code use}, and deletes the parts' temporary files however that ends. */
    <T> Mono<T> withForm(ServerWebExchange exchange, Function<MultiValueMap<String, Part>, Mono<T>> use) {
        return Mono.usingWhen(read(exchange), use, MultipartForms::delete, (parts, error) -> delete(parts), MultipartForms::delete);
    }

    private Mono<MultiValueMap<String, Part>> read(ServerWebExchange exchange) {
        var request = exchange.getRequest();
        var type = request.getHeaders().getContentType();
        var boundary = type == null ? null : type.getParameter("boundary");
        if (boundary != null && boundary.length() > 2 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
            boundary = boundary.substring(1, boundary.length() - 1);
        }
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            return Mono.error(malformed("The Content-Type has no usable boundary parameter (multipart/form-data; boundary=…)."));
        }
        var scan = new Scan(("--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
        var bounded = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                // one buffer at a time (no prefetch): once cut, nothing more is read, and nothing is left queued unreleased
                return super.getBody().concatMap(buffer -> Flux.fromIterable(scan.pass(buffer)), 0)
                        .takeUntil(scan::isLast)
                        .concatWith(Mono.fromSupplier(scan::closeIfOpen).filter(closing -> closing.readableByteCount() > 0));
            }
        };
        return reader.readMono(FORM, bounded, Hints.from(Hints.LOG_PREFIX_HINT, exchange.getLogPrefix()))
                .onErrorMap(e -> !(e instanceof ApiProblem), this::problem)
                .flatMap(parts -> scan.refusal == null ? Mono.just(parts) : delete(parts).then(Mono.error(scan.refusal)));
    }

    /**
     * Watches the body as it passes: counts delimiters (one per part, plus the closing one) and bytes, and finds the
     * closing {@code --boundary--}. Past a limit it does not fail the body (Spring's reader, failed in the middle of a
     * part, reports the error twice): it cuts it there, closes it with a closing delimiter of its own so the reader ends
     * cleanly, and keeps the refusal, which {@link #read} raises once the reader is done.
     */
    private final class Scan {
        private final byte[] delimiter;
        private final int[] fallback;
        private int matched;
        private int delimiters;
        private int dashesAfter = -1;
        private long bytes;
        private boolean closed;
        private DataBuffer last;
        ApiProblem refusal;

        Scan(byte[] delimiter) {
            this.delimiter = delimiter;
            this.fallback = new int[delimiter.length];
            for (int i = 1, k = 0; i < delimiter.length; i++) {
                while (k > 0 && delimiter[i] != delimiter[k]) {
                    k = fallback[k - 1];
                }
                if (delimiter[i] == delimiter[k]) {
                    k++;
                }
                fallback[i] = k;
            }
        }

        /** The buffer as is, or cut short and closed (then nothing more is read). */
        List<DataBuffer> pass(DataBuffer buffer) {
            bytes += buffer.readableByteCount();
            if (bytes > settings.maxRequestSize().toBytes()) {
                DataBufferUtils.release(buffer);
                refusal = new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, Uploads.TOO_LARGE, "Upload too large", "The request is larger than "
                        + megabytes(settings.maxRequestSize().toBytes()) + " (an image of at most " + megabytes(settings.maxSize().toBytes())
                        + " and the form fields). Send a smaller or more compressed file.", Map.of());
                return List.of(closing("\r\n" + new String(delimiter, StandardCharsets.ISO_8859_1) + "--\r\n"));
            }
            int offset = 0;
            try (var iterator = buffer.readableByteBuffers()) {
                while (iterator.hasNext()) {
                    var chunk = iterator.next();
                    int end = scan(chunk);
                    if (end >= 0) {
                        // keep what precedes the delimiter past the limit, and the delimiter itself, which "--" closes
                        var kept = buffer.split(buffer.readPosition() + offset + end - chunk.position() + 1);
                        DataBufferUtils.release(buffer);
                        refusal = new ApiProblem(HttpStatus.BAD_REQUEST, TOO_MANY_PARTS, "Too many parts", "The form has more than "
                                + settings.maxParts() + " parts, the most a request may have. Send the image as the part 'image' "
                                + "and each field once.", Map.of("maxParts", settings.maxParts()));
                        return List.of(kept, closing("--\r\n"));
                    }
                    offset += chunk.remaining();
                }
            }
            return List.of(buffer);
        }

        /** The index in {@code chunk} where a delimiter past the limit ends, or -1. */
        private int scan(ByteBuffer chunk) {
            for (int i = chunk.position(); i < chunk.limit(); i++) {
                var b = chunk.get(i);
                if (dashesAfter >= 0 && !closed) {
                    dashesAfter = b == '-' ? dashesAfter + 1 : -1;
                    closed = dashesAfter == 2;
                }
                while (matched > 0 && b != delimiter[matched]) {
                    matched = fallback[matched - 1];
                }
                if (b == delimiter[matched]) {
                    matched++;
                }
                if (matched == delimiter.length) {
                    matched = fallback[matched - 1];
                    dashesAfter = 0;
                    if (++delimiters > settings.maxParts() + 1) {
                        return i;
                    }
                }
            }
            return -1;
        }

        private DataBuffer closing(String text) {
            last = DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
            return last;
        }

        boolean isLast(DataBuffer buffer) {
            return buffer == last;
        }

        /** At the end of a body that never closed (cut short): a closing delimiter, so the reader ends cleanly; else nothing. */
        DataBuffer closeIfOpen() {
            if (closed || refusal != null) {
                return DefaultDataBufferFactory.sharedInstance.allocateBuffer(0);
            }
            refusal = malformed("The multipart body ends before its closing boundary: it was cut short. Send it whole.");
            return closing("\r\n" + new String(delimiter, StandardCharsets.ISO_8859_1) + "--\r\n");
        }
    }

    /** Spring's refusals as problems naming our limits; anything else passes unchanged (a 500 with a request id). */
    private Throwable problem(Throwable error) {
        if (error instanceof DataBufferLimitException limit && limit.getMessage() != null) {
            if (limit.getMessage().startsWith("Form field")) {
                return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, FIELD_TOO_LARGE, "Form field too large", "A form field is larger than "
                        + kilobytes(settings.maxFieldSize().toBytes()) + ", the most one may be. Send shorter values (a prompt is at most "
                        + com.desayre.contracts.RequestRules.MAX_PROMPT_LENGTH + " characters).",
                        Map.of("maxFieldSize", settings.maxFieldSize().toBytes()));
            }
            if (limit.getMessage().startsWith("Part headers")) {
                return malformed("A part's headers are larger than " + kilobytes(settings.maxPartHeadersSize().toBytes())
                        + ", the most they may be. Send each part with just its Content-Disposition and Content-Type.");
            }
            return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, Uploads.TOO_LARGE, "Upload too large", "The upload is larger than "
                    + megabytes(settings.maxSize().toBytes()) + ". Send a smaller or more compressed file.", Map.of());
        }
        if (error instanceof DecodingException) {
            return malformed("The body is not a well-formed multipart/form-data form (" + error.getMessage() + ").");
        }
        return error;
    }

    static ApiProblem malformed(String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, MALFORMED, "Malformed multipart form", detail, Map.of());
    }

    private static Mono<Void> delete(MultiValueMap<String, Part> parts) {
        return Flux.fromIterable(parts.values()).flatMapIterable(List::copyOf)
                .flatMap(part -> part.delete().onErrorResume(e -> Mono.empty())).then();
    }

    private static String megabytes(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MB" : String.format(java.util.Locale.ROOT, "%.1f MB",
                bytes / (1024.0 * 1024));
    }

    private static String kilobytes(long bytes) {
        return bytes / 1024 + " KB";
    }
}
