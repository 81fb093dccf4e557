package com.desayre.workerkit;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The provider simulator's per-job scripting ({@code [sim:fail=429]}, {@code [sim:latency=1500]}…,
 * provider-sim's {@code Directives}) is written into prompts, and a user can write it too. It must
 * reach only the simulator: a real provider would get it as part of the prompt (and a user could
 * learn how the studio is tested). Provider clients send {@link #forProvider} of each prompt.
 */
public final class SimulatorDirectives {
    /** The simulator's own pattern: {@code [sim:NAME]} or {@code [sim:NAME=VALUE]}, any case. */
    private static final Pattern DIRECTIVE =
            Pattern.compile("\\[sim:\\s*([A-Za-z][A-Za-z0-9_-]*)\\s*(?:=\\s*([^\\]]*?)\\s*)?]", Pattern.CASE_INSENSITIVE);

    private SimulatorDirectives() {
    }

    /** The prompt without any directive, whitespace where one stood tidied. */
    public static String strip(String prompt) {
        if (prompt == null || !DIRECTIVE.matcher(prompt).find()) {
            return prompt;
        }
        return DIRECTIVE.matcher(prompt).replaceAll(" ").replaceAll("[ \\t]{2,}", " ").strip();
    }

    /** What to send: the prompt as it is to the simulator, without directives to anyone else. */
    public static String forProvider(String prompt, boolean simulator) {
        return simulator ? prompt : strip(prompt);
    }

    /**
     * Whether a provider's base URL is a simulator: {@code simulator} when it is set (true or false); otherwise any host
     * that is not the provider's own domain ({@code providerDomain} or a subdomain of it), as the simulator is in the
     * tests, under {@code ./desayre up} and with {@code docker compose --profile sim}. A proxy in front of the real API
     * must say {@code simulator: false}.
     */
    public static boolean isSimulator(String baseUrl, String providerDomain, Boolean simulator) {
        if (simulator != null) {
            return simulator;
        }
        String host;
        try {
            host = URI.create(baseUrl).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(Locale.ROOT);
        var domain = providerDomain.toLowerCase(Locale.ROOT);
        return !(host.equals(domain) || host.endsWith("." + domain));
    }
}
