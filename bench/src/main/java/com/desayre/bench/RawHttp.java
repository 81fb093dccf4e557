package com.desayre.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * HTTP/1.1 written by hand to a socket, for requests a well-behaved client refuses to send (a path with {@code ..}
 * or {@code %zz}, a 70 KB header, a control character in a header name, a {@code Content-Length} that lies).
 * One request per connection ({@code Connection: close}); the answer is read to the end or for at most 10 s.
 */
final class RawHttp {
    private static final int TIMEOUT_MS = 10_000;
    private static final int MAX_ANSWER = 4 * 1024 * 1024;

    /** The status (0 if the server closed without an answer) and what came after the headers. */
    record Answer(int status, String head, String body) {
    }

    private RawHttp() {
    }

    static Answer send(int port, String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            var request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            if (body != null && !headers.containsKey("Content-Length") && !headers.containsKey("Transfer-Encoding")) {
                request.append("Content-Length: ").append(body.length).append("\r\n");
            }
            request.append("\r\n");
            var out = socket.getOutputStream();
            try {
                out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                // the server may close as soon as it has refused the head; its answer may still be readable
            }
            var answer = new ByteArrayOutputStream();
            var in = socket.getInputStream();
            var buffer = new byte[16 * 1024];
            try {
                for (int n; answer.size() < MAX_ANSWER && (n = in.read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // what arrived is the answer
            }
            var text = answer.toString(StandardCharsets.ISO_8859_1);
            var end = text.indexOf("\r\n\r\n");
            var head = end < 0 ? text : text.substring(0, end);
            var status = 0;
            if (head.startsWith("HTTP/1.") && head.length() >= 12) {
                try {
                    status = Integer.parseInt(head.substring(9, 12));
                } catch (NumberFormatException e) {
                    status = 0;
                }
            }
            return new Answer(status, head, end < 0 ? "" : text.substring(end + 4));
        }
    }
}
