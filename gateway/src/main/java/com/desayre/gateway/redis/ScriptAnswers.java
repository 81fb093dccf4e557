package com.desayre.gateway.redis;

import java.util.List;

/** Reading what a Lua script returned through Spring Data Redis, for every feature that runs one. */
public final class ScriptAnswers {
    private ScriptAnswers() {
    }

    /** The script's answer, as Spring Data hands it over: the list itself, or its elements one by one. */
    public static List<Long> longs(List<?> result) {
        var flat = result.size() == 1 && result.get(0) instanceof List<?> inner ? inner : result;
        return flat.stream().map(value -> ((Number) value).longValue()).toList();
    }
}
