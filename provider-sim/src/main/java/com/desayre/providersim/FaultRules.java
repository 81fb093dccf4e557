package com.desayre.providersim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The faults a person switches on while the simulator runs ({@code /sim/faults}, see {@link FaultAdmin}),
 * and the startup ones ({@code SIM_FAULTS} / {@code DESAYRE_SIM_FAULTS}, rule {@code startup}). Each
 * rule is a {@link Faults} list, as in {@code SIM_FAULTS}, for some endpoints and one model or all,
 * for the next {@code times} matching requests or until it is deleted.
 *
 * <p>A request takes the faults of every live rule that matches it, then its own prompt directives
 * win over them. On a submit they behave as they always did (the request's faults hit the submit;
 * {@code never}, {@code nsfw}, {@code expire}, {@code failed}, {@code poll-fail} shape the job it
 * creates). On a poll, {@code fail}, {@code http200error}, {@code reset}, {@code malformed} and
 * {@code slow} hit that poll, and the job faults apply to the job polled, also one submitted earlier.
 */
final class FaultRules {

    /** The provider endpoints a rule may target, by the names a person types. */
    enum Endpoint {
        TEXT_TO_IMAGE("text-to-image", "POST /api/v7/images/text-to-image"),
        IMAGE_TO_IMAGE("image-to-image", "POST /api/v7/images/image-to-image"),
        IMAGE_FETCH("image-fetch", "POST /api/v7/images/fetch[/{id}]"),
        VIDEO_GENERATIONS("video-generations", "POST /v1/videos/generations"),
        VIDEO_POLL("video-poll", "GET /v1/videos/{request_id}");

        final String label;
        final String request;

        Endpoint(String label, String request) {
            this.label = label;
            this.request = request;
        }
    }

    /** Names that stand for several endpoints at once. */
    static final Map<String, Set<Endpoint>> GROUPS = Map.of(
            "modelslab", EnumSet.of(Endpoint.TEXT_TO_IMAGE, Endpoint.IMAGE_TO_IMAGE, Endpoint.IMAGE_FETCH),
            "xai", EnumSet.of(Endpoint.VIDEO_GENERATIONS, Endpoint.VIDEO_POLL),
            "submit", EnumSet.of(Endpoint.TEXT_TO_IMAGE, Endpoint.IMAGE_TO_IMAGE, Endpoint.VIDEO_GENERATIONS),
            "poll", EnumSet.of(Endpoint.IMAGE_FETCH, Endpoint.VIDEO_POLL),
            "all", EnumSet.allOf(Endpoint.class));

    static final String STARTUP_ID = "startup";

    /**
     * @param id        how the admin endpoint names it
     * @param faults    what a matching request gets
     * @param endpoints where it applies
     * @param model     the model id it applies to ({@code model_id} / {@code model}), or null for all
     * @param times     how many matching requests it hits before it is spent, or null until deleted
     * @param hits      matching requests so far
     */
    record Rule(String id, Faults faults, Set<Endpoint> endpoints, String model, Integer times, AtomicInteger hits) {
        Rule {
            endpoints = Collections.unmodifiableSet(EnumSet.copyOf(endpoints));
        }

        boolean matches(Endpoint endpoint, String requestModel) {
            return endpoints.contains(endpoint) && (model == null || model.equals(requestModel));
        }

        boolean spent() {
            return times != null && hits.get() >= times;
        }

        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", id);
            view.put("faults", faults.describe());
            List<String> names = new ArrayList<>();
            endpoints.forEach(e -> names.add(e.label));
            view.put("endpoints", names);
            view.put("model", model);
            view.put("times", times);
            view.put("hits", Math.min(hits.get(), times == null ? Integer.MAX_VALUE : times));
            view.put("remaining", times == null ? null : Math.max(0, times - hits.get()));
            return view;
        }
    }

    /** Immutable; replaced whole under the lock, so a request sees the old rules or the new, never a mix. */
    private volatile List<Rule> rules = List.of();
    private final AtomicLong ids = new AtomicLong();

    /** With the startup faults (may be null or blank) as rule {@code startup}, for every endpoint and model. */
    FaultRules(String startupFaults) {
        Faults faults = Faults.parseList(startupFaults);
        if (!faults.isEmpty()) {
            rules = List.of(new Rule(STARTUP_ID, faults, EnumSet.allOf(Endpoint.class), null, null, new AtomicInteger()));
        }
    }

    /** The faults of every live rule matching this request (later rules win on the same name); counts a hit on each. */
    Faults take(Endpoint endpoint, String model) {
        Faults taken = Faults.NONE;
        for (Rule rule : rules) {
            if (!rule.matches(endpoint, model)) {
                continue;
            }
            int hit = rule.hits().incrementAndGet();
            if (rule.times() != null && hit > rule.times()) {
                continue; // spent by a concurrent request
            }
            taken = taken.then(rule.faults());
            if (rule.spent()) {
                remove(rule.id());
            }
        }
        return taken;
    }

    /** A new rule; its id is the next number. */
    Rule newRule(Faults faults, Set<Endpoint> endpoints, String model, Integer times) {
        return new Rule(Long.toString(ids.incrementAndGet()), faults, endpoints, model, times, new AtomicInteger());
    }

    synchronized void add(Rule rule) {
        List<Rule> copy = new ArrayList<>(rules);
        copy.add(rule);
        rules = List.copyOf(copy);
    }

    synchronized void replace(Collection<Rule> replacement) {
        rules = List.copyOf(replacement);
    }

    synchronized void clear() {
        rules = List.of();
    }

    synchronized boolean remove(String id) {
        List<Rule> copy = new ArrayList<>(rules);
        boolean removed = copy.removeIf(rule -> rule.id().equals(id));
        rules = List.copyOf(copy);
        return removed;
    }

    Rule find(String id) {
        for (Rule rule : rules) {
            if (rule.id().equals(id)) {
                return rule;
            }
        }
        return null;
    }

    List<Rule> list() {
        List<Rule> live = new ArrayList<>();
        for (Rule rule : rules) {
            if (!rule.spent()) {
                live.add(rule);
            }
        }
        return live;
    }

    /** An endpoint or group name, case-insensitively, or null if there is none such. */
    static Set<Endpoint> endpointsNamed(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        Set<Endpoint> group = GROUPS.get(n);
        if (group != null) {
            return group;
        }
        for (Endpoint e : Endpoint.values()) {
            if (e.label.equals(n)) {
                return EnumSet.of(e);
            }
        }
        return null;
    }

    static List<String> endpointNames() {
        List<String> names = new ArrayList<>();
        for (Endpoint e : Endpoint.values()) {
            names.add(e.label);
        }
        names.addAll(List.of("modelslab", "xai", "submit", "poll", "all"));
        return names;
    }
}
