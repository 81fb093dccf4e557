package com.desayre.webhooks;

import com.desayre.platform.WebhookTargets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One webhook POST over HTTP/1.1, SSRF-safe: the host is resolved once and every address checked
 * ({@link WebhookTargets}), the connection goes to a checked address (never resolved again, so DNS rebinding cannot
 * move it), the URL's host is sent as {@code Host} (and as SNI, with the certificate checked against it, over TLS),
 * redirects are answers like any other (never followed), and time and the answer's size are bounded.
 */
final class PinnedHttp {
    /** What the receiver answered: its status and at most {@code maxResponseBytes} of its body. */
    record Answer(int status, String body) {
    }

    private final boolean allowPrivate;
    private final WebhookTargets.Resolver resolver;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final int maxResponseBytes;

    PinnedHttp(boolean allowPrivate, WebhookTargets.Resolver resolver, int connectTimeoutMs, int readTimeoutMs, int maxResponseBytes) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
        this.maxResponseBytes = maxResponseBytes;
    }

    /** Posts {@code body} as JSON; a refused URL throws {@link WebhookTargets.Refused}, a network failure IOException. */
    Answer post(String url, Map<String, String> headers, String body) throws WebhookTargets.Refused, IOException {
        var target = WebhookTargets.resolve(url, allowPrivate, resolver);
        var deadline = System.nanoTime() + (long) readTimeoutMs * 1_000_000L + (long) connectTimeoutMs * 1_000_000L;
        IOException last = null;
        for (var address : target.addresses()) {
            var socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, target.port()), connectTimeoutMs);
            } catch (IOException e) {
                socket.close();
                last = e;
                continue;
            }
            try (var connected = tls(socket, target)) {
                connected.setSoTimeout(readTimeoutMs);
                return exchange(connected, target, headers, body, deadline);
            }
        }
        throw last != null ? last : new IOException("no address to connect to");
    }

    private Socket tls(Socket socket, WebhookTargets.Target target) throws IOException {
        if (!target.uri().getScheme().equalsIgnoreCase("https")) {
            return socket;
        }
        var ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, target.host(), target.port(), true);
        var parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
        if (!target.host().contains(":") && !target.host().matches("[0-9.]+")) {
            parameters.setServerNames(List.of(new SNIHostName(target.host())));
        }
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout(readTimeoutMs);
        ssl.startHandshake();
        return ssl;
    }

    private Answer exchange(Socket socket, WebhookTargets.Target target, Map<String, String> headers, String body, long deadline)
            throws IOException {
        var uri = target.uri();
        var path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        var defaultPort = uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        var host = uri.getHost() + (target.port() == defaultPort ? "" : ":" + target.port());
        var request = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("User-Agent: DESAYRE-Webhooks/1\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(bytes.length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        var out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return read(socket.getInputStream(), deadline);
    }

    /** The status line, the headers (skipped) and at most maxResponseBytes of the body, within the deadline. */
    private Answer read(InputStream in, long deadline) throws IOException {
        var buffer = new ByteArrayOutputStream();
        var chunk = new byte[8192];
        int headerEnd = -1;
        int limit = maxResponseBytes + 16384; // the headers may take up to 16 KB on top of the body
        while (buffer.size() < limit) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the answer took longer than " + readTimeoutMs + " ms");
            }
            int n = in.read(chunk, 0, Math.min(chunk.length, limit - buffer.size()));
            if (n < 0) {
                break;
            }
            buffer.write(chunk, 0, n);
            if (headerEnd < 0) {
                headerEnd = indexOf(buffer.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            if (headerEnd >= 0 && buffer.size() - headerEnd - 4 >= maxResponseBytes) {
                break;
            }
        }
        var all = buffer.toByteArray();
        var statusLineEnd = indexOf(all, "\r\n".getBytes(StandardCharsets.US_ASCII));
        var statusLine = new String(all, 0, statusLineEnd < 0 ? Math.min(all.length, 200) : statusLineEnd, StandardCharsets.ISO_8859_1);
        var parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
            throw new IOException("the receiver did not answer HTTP");
        }
        var start = headerEnd < 0 ? all.length : headerEnd + 4;
        var length = Math.min(all.length - start, maxResponseBytes);
        return new Answer(Integer.parseInt(parts[1]), new String(all, start, Math.max(length, 0), StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
