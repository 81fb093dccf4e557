package com.desayre.encoder.core;

import com.desayre.contracts.JobKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The reviewed prompts in {@code golden/prompts.tsv}. */
final class GoldenPrompts {
    /** A 5,000-character prompt: a real description repeated, so it still reads like one. */
    static final String LONG = ("a crowded harbour at first light, fishing boats returning with their catch, gulls "
            + "circling over the masts, a woman in a yellow raincoat checking the nets, ").repeat(40).strip().substring(0, 5000);

    record Case(String id, JobKind kind, String profile, boolean enhance, boolean sourceImage, String prompt) {
        EncodeRequest request() {
            return new EncodeRequest(kind, prompt, profile, enhance, null, sourceImage);
        }
    }

    static List<Case> all() {
        try (var in = GoldenPrompts.class.getResourceAsStream("/golden/prompts.tsv")) {
            var cases = new ArrayList<Case>();
            for (var line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                var f = line.split("\t", 6);
                var prompt = f[5].equals("@LONG@") ? LONG : unescape(f[5]);
                cases.add(new Case(f[0], JobKind.valueOf(f[1]), f[2].equals("-") ? null : f[2], Boolean.parseBoolean(f[3]),
                        Boolean.parseBoolean(f[4]), prompt));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String unescape(String text) {
        var out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            var c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                var next = text.charAt(i + 1);
                if (next == 't') {
                    out.append('\t');
                    i++;
                    continue;
                }
                if (next == 'n') {
                    out.append('\n');
                    i++;
                    continue;
                }
                if (next == 'u' && i + 5 < text.length()) {
                    out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
                    i += 5;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private GoldenPrompts() {
    }
}
