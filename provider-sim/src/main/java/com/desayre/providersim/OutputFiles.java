package com.desayre.providersim;

/**
 * {@code GET /outputs/{name}}: the files jobs produce, 404 until their job is ready (like a
 * provider's {@code future_links}). Bytes come from the job's renderer through the cache.
 */
final class OutputFiles {
    static final String PATH_PREFIX = "/outputs/";

    private final JobBook jobs;
    private final OutputCache cache;
    private final SimCounters counters;

    OutputFiles(JobBook jobs, OutputCache cache, SimCounters counters) {
        this.jobs = jobs;
        this.cache = cache;
        this.counters = counters;
    }

    void register(Router router) {
        router.add("GET", "^/outputs/([A-Za-z0-9._-]+)$", this::download);
    }

    static String url(String baseUrl, String name) {
        return baseUrl + PATH_PREFIX + name;
    }

    private SimResponse download(SimRequest request) {
        String name = request.pathParam(0);
        JobBook.Located found = jobs.findOutput(name);
        // an expired job's outputs are gone, as a provider's temporary URLs are after a while
        if (found == null || !found.job().isReady(jobs.now()) || found.job().faults().expire()) {
            return SimResponse.text(404, "Not Found");
        }
        byte[] bytes = cache.get(name, found.output().renderer());
        counters.downloads.incrementAndGet();
        return SimResponse.bytes(found.output().contentType(), bytes)
                .withHeader("Cache-Control", "private, max-age=86400");
    }
}
