package com.desayre.gateway.generation;

import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What every generation request ({@link ImageRequest}, {@link EditRequest}, {@link VideoRequest}) has, once valid. */
interface GenerationBody {
    String PROMPT = "What to make, in your words (up to 4000 characters; line breaks and tab allowed)";
    String N = "How many jobs to make (1–4); more than one answers a list of jobs. With a seed, copy i gets seed + i";
    String PRIORITY = "interactive (default) or batch: a person's interactive jobs overtake batch work";
    String STYLE = "A house style (GET /api/prompts/profiles); default: the studio's default style";
    String ENHANCE = "false sends your prompt untouched (default true)";
    String MAX_WAIT = "How long (1–86400 s) each job may wait in DESAYRE's own line for a place at the provider; "
            + "past it the job ends FAILED with EXPIRED_IN_QUEUE (never once sent to the provider). Default: as long as it takes. "
            + "While a job waits, GET /api/jobs/{id} and the event streams show its place in line (queue)";
    String MAX_WAIT_PROBLEM = "must be between 1 and 86400 (a day): how long the job may wait in line for the provider before "
            + "it ends EXPIRED_IN_QUEUE. Leave it out to wait as long as it takes.";

    String WEBHOOK = "An http(s) URL to call when each job starts at the provider and when it ends (job.started, job.completed, "
            + "job.failed, job.cancelled), signed as Standard Webhooks says with your request secret "
            + "(GET /api/webhooks/request-secret); checked like a webhook endpoint's URL (docs/webhooks.md)";

    String prompt();

    String webhookUrl();

    Long seed();

    String styleProfile();

    Boolean enhance();

    String priority();

    Integer n();

    Integer maxWaitSeconds();

    default boolean enhanced() {
        return enhance() == null || enhance();
    }

    default Priority lane() {
        return priority() == null ? Priority.INTERACTIVE : Priority.valueOf(priority().toUpperCase(Locale.ROOT));
    }

    default int count() {
        return n() == null ? 1 : n();
    }

    /**
     * {@link #count()} jobs of the spec, each with the request's limit on waiting; with a seed, each copy gets the next
     * one, so the set is repeatable yet varied.
     */
    default List<JobSpec> copies(JobSpec spec) {
        var specs = new ArrayList<JobSpec>(count());
        for (int i = 0; i < count(); i++) {
            specs.add(new JobSpec(spec.ownerId(), spec.kind(), spec.prompt(), spec.aspectRatio(), spec.width(), spec.height(),
                    seed() == null ? null : seed() + i, spec.styleProfile(), spec.enhance(), spec.priority(),
                    spec.sourceMediaKey(), spec.durationSeconds(), spec.resolution(), maxWaitSeconds()));
        }
        return specs;
    }
}
