package com.desayre.providersim;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link ProviderSimulator} behaves when a request does not say otherwise (see the prompt
 * directives in {@link Directives}).
 *
 * @param port          TCP port; 0 picks a free one
 * @param bindAddress   address to listen on (default {@code 127.0.0.1})
 * @param latency       how long a job takes until its output exists (default 0)
 * @param mode          {@link Mode#SYNC}: the submit answers {@code success} after {@code latency};
 *                      {@link Mode#ASYNC}: the submit answers {@code processing} at once and the
 *                      output is ready after {@code latency}
 * @param publicBaseUrl base URL written into output and {@code fetch_result} URLs, without a
 *                      trailing slash; {@code null} means the server's own {@link ProviderSimulator#baseUrl()}
 * @param queueLimit    unfinished jobs one API key may have before a submit answers 429 (ModelsLab's
 *                      account queue: 5, 10 or 15 by plan); 0 = no limit
 * @param faults        faults every request gets unless its prompt says otherwise, as a list such as
 *                      {@code "fail=503, times=2"} or {@code "chance=20 fail=500"} (see {@link Faults}); null = none
 * @param videoLatency  how long an xAI video takes from submit to {@code done}; null = {@code latency}
 * @param fixedImages   every text-to-image output is one plain PNG of the asked size, and every video one plain clip
 *                      of the asked size and length, encoded once and then served from memory (near-zero cost): for
 *                      benchmarks and chaos runs that measure DESAYRE, not the simulator's drawing (a drawn video costs
 *                      seconds of CPU). Off by default, so outputs stay the prompt's deterministic landscape
 */
public record SimulatorSettings(int port, String bindAddress, Duration latency, Mode mode, String publicBaseUrl,
                                int queueLimit, String faults, Duration videoLatency, boolean fixedImages) {

    /** How a generation submit is answered. */
    public enum Mode {
        /** Answer {@code status:"success"} in the submit response, after waiting the latency. */
        SYNC,
        /** Answer {@code status:"processing"} at once; the output is ready after the latency. */
        ASYNC
    }

    /** Longest latency accepted, from settings or a directive: keeps a typo from hanging a test. */
    static final Duration MAX_LATENCY = Duration.ofMinutes(30);

    static final int DEFAULT_STANDALONE_PORT = 8090;

    public SimulatorSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (bindAddress.isBlank()) {
            throw new IllegalArgumentException("bindAddress is blank");
        }
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative() || latency.compareTo(MAX_LATENCY) > 0) {
            throw new IllegalArgumentException("latency must be 0.." + MAX_LATENCY + ": " + latency);
        }
        Objects.requireNonNull(mode, "mode");
        if (videoLatency == null) {
            videoLatency = latency;
        }
        if (videoLatency.isNegative() || videoLatency.compareTo(MAX_LATENCY) > 0) {
            throw new IllegalArgumentException("videoLatency must be 0.." + MAX_LATENCY + ": " + videoLatency);
        }
        if (queueLimit < 0) {
            throw new IllegalArgumentException("queueLimit must be 0 (none) or more: " + queueLimit);
        }
        if (faults != null && faults.isBlank()) {
            faults = null;
        }
        Faults.parseList(faults); // fails loudly on a typo
        if (publicBaseUrl != null) {
            publicBaseUrl = publicBaseUrl.strip();
            while (publicBaseUrl.endsWith("/")) {
                publicBaseUrl = publicBaseUrl.substring(0, publicBaseUrl.length() - 1);
            }
            if (publicBaseUrl.isEmpty()) {
                publicBaseUrl = null;
            }
        }
    }

    public SimulatorSettings(int port, String bindAddress, Duration latency, Mode mode, String publicBaseUrl) {
        this(port, bindAddress, latency, mode, publicBaseUrl, 0, null, null, false);
    }

    /** Free port, 127.0.0.1, no latency, {@link Mode#SYNC}, own base URL, no queue limit, no faults. */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings(0, "127.0.0.1", Duration.ZERO, Mode.SYNC, null);
    }

    public SimulatorSettings withQueueLimit(int queueLimit) {
        return new SimulatorSettings(port, bindAddress, latency, mode, publicBaseUrl, queueLimit, faults, videoLatency, fixedImages);
    }

    /** Faults for every request, e.g. {@code "fail=503, chance=30"}; see {@link Faults}. */
    public SimulatorSettings withFaults(String faults) {
        return new SimulatorSettings(port, bindAddress, latency, mode, publicBaseUrl, queueLimit, faults, videoLatency, fixedImages);
    }

    public SimulatorSettings withPort(int port) {
        return new SimulatorSettings(port, bindAddress, latency, mode, publicBaseUrl, queueLimit, faults, videoLatency, fixedImages);
    }

    public SimulatorSettings withBindAddress(String bindAddress) {
        return new SimulatorSettings(port, bindAddress, latency, mode, publicBaseUrl, queueLimit, faults, videoLatency, fixedImages);
    }

    /** How long a job takes; videos too, unless {@link #withVideoLatency} says otherwise. */
    public SimulatorSettings withLatency(Duration latency) {
        var video = videoLatency.equals(this.latency) ? latency : videoLatency;
        return new SimulatorSettings(port, bindAddress, latency, mode, publicBaseUrl, queueLimit, faults, video, fixedImages);
    }

    /** How long an xAI video takes from submit to {@code done} (realistic: tens of seconds to minutes). */
    public SimulatorSettings withVideoLatency(Duration videoLatency) {
        return new SimulatorSettings(port, bindAddress, latency, mode, publicBaseUrl, queueLimit, faults, videoLatency, fixedImages);
    }

    /** Plain pre-rendered PNGs instead of drawn landscapes (see {@link #fixedImages()}). */
    public SimulatorSettings withFixedImages(boolean fixedImages) {
        return new SimulatorSettings(port, bindAddress, latency, mode, publicBaseUrl, queueLimit, faults, videoLatency, fixedImages);
    }

    public SimulatorSettings withMode(Mode mode) {
        return new SimulatorSettings(port, bindAddress, latency, mode, publicBaseUrl, queueLimit, faults, videoLatency, fixedImages);
    }

    public SimulatorSettings withPublicBaseUrl(String publicBaseUrl) {
        return new SimulatorSettings(port, bindAddress, latency, mode, publicBaseUrl, queueLimit, faults, videoLatency, fixedImages);
    }

    /**
     * Settings for the standalone {@code main}: {@code --port=} / {@code SIM_PORT} (default 8090),
     * {@code --bind=} / {@code SIM_BIND}, {@code --latency-ms=} / {@code SIM_LATENCY_MS},
     * {@code --mode=} / {@code SIM_MODE} (sync|async), {@code --public-base-url=} /
     * {@code SIM_PUBLIC_BASE_URL}, {@code --queue-limit=} / {@code SIM_QUEUE_LIMIT}, {@code --faults=} /
     * {@code SIM_FAULTS}, {@code --video-latency-ms=} / {@code SIM_VIDEO_LATENCY_MS}, {@code --fixed-images=} /
     * {@code SIM_FIXED_IMAGES} (true|false). Arguments win over the environment.
     */
    static SimulatorSettings fromCommandLine(String[] args, Map<String, String> env) {
        String port = option(args, env, "port", "SIM_PORT");
        String bind = option(args, env, "bind", "SIM_BIND");
        String latencyMs = option(args, env, "latency-ms", "SIM_LATENCY_MS");
        String mode = option(args, env, "mode", "SIM_MODE");
        String publicBaseUrl = option(args, env, "public-base-url", "SIM_PUBLIC_BASE_URL");
        String queueLimit = option(args, env, "queue-limit", "SIM_QUEUE_LIMIT");
        String faults = option(args, env, "faults", "SIM_FAULTS");
        String videoLatencyMs = option(args, env, "video-latency-ms", "SIM_VIDEO_LATENCY_MS");
        String fixedImages = option(args, env, "fixed-images", "SIM_FIXED_IMAGES");

        SimulatorSettings settings = defaults().withPort(DEFAULT_STANDALONE_PORT);
        if (port != null) {
            settings = settings.withPort(parseInt("port", port));
        }
        if (bind != null) {
            settings = settings.withBindAddress(bind);
        }
        if (latencyMs != null) {
            settings = settings.withLatency(Duration.ofMillis(parseInt("latency-ms", latencyMs)));
        }
        if (mode != null) {
            settings = settings.withMode(parseMode(mode));
        }
        if (publicBaseUrl != null) {
            settings = settings.withPublicBaseUrl(publicBaseUrl);
        }
        if (queueLimit != null) {
            settings = settings.withQueueLimit(parseInt("queue-limit", queueLimit));
        }
        if (faults != null) {
            settings = settings.withFaults(faults);
        }
        if (videoLatencyMs != null) {
            settings = settings.withVideoLatency(Duration.ofMillis(parseInt("video-latency-ms", videoLatencyMs)));
        }
        if (fixedImages != null) {
            settings = settings.withFixedImages(parseBoolean("fixed-images", fixedImages));
        }
        return settings;
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false: " + value);
        };
    }

    static Mode parseMode(String value) {
        try {
            return Mode.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mode must be sync or async: " + value, e);
        }
    }

    private static String option(String[] args, Map<String, String> env, String name, String envName) {
        String prefix = "--" + name + "=";
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        String value = env.get(envName);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number: " + value, e);
        }
    }
}
