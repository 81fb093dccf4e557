package com.desayre.providersim;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Recently served output files, least recently used first out, bounded by entry count and by
 * total bytes. Outputs are deterministic, so a miss simply renders again.
 */
final class OutputCache {
    static final int DEFAULT_MAX_ENTRIES = 256;
    static final long DEFAULT_MAX_BYTES = 128L * 1024 * 1024;

    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    OutputCache() {
        this(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES);
    }

    OutputCache(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** The cached bytes for {@code name}, rendering them (outside the lock) on a miss. */
    byte[] get(String name, Supplier<byte[]> render) {
        synchronized (this) {
            byte[] hit = entries.get(name);
            if (hit != null) {
                return hit;
            }
        }
        byte[] rendered = render.get();
        synchronized (this) {
            byte[] raced = entries.get(name);
            if (raced != null) {
                return raced;
            }
            entries.put(name, rendered);
            bytes += rendered.length;
            Iterator<Map.Entry<String, byte[]>> eldest = entries.entrySet().iterator();
            while ((entries.size() > maxEntries || bytes > maxBytes) && entries.size() > 1 && eldest.hasNext()) {
                byte[] evicted = eldest.next().getValue();
                eldest.remove();
                bytes -= evicted.length;
            }
        }
        return rendered;
    }

    synchronized int size() {
        return entries.size();
    }
}
