package com.desayre.providersim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Decides whether a scripted fault hits this request: {@code chance} percent, and only the first {@code times}. */
final class FaultGate {
    /** Beyond this many scopes the counts start over: a long-running simulator must not grow for ever. */
    private static final int MAX_SCOPES = 100_000;

    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    boolean strikes(String scope, Faults faults) {
        Integer chance = faults.chance();
        if (chance != null && ThreadLocalRandom.current().nextInt(100) >= chance) {
            return false;
        }
        Integer times = faults.times();
        if (times == null) {
            return true;
        }
        if (hits.size() > MAX_SCOPES) {
            hits.clear();
        }
        return hits.computeIfAbsent(scope, s -> new AtomicInteger()).incrementAndGet() <= times;
    }
}
