package com.desayre.testsupport;

import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

/**
 * What Spring Boot prints under "APPLICATION FAILED TO START" for a start-up failure: the description and action of
 * the first of Boot's failure analyzers that recognises it (e.g. {@code Property: desayre.xai.poll-min … Reason: …}
 * for a settings value that fails validation). For tests that a bad configuration is refused with a clear message.
 */
public final class StartupFailures {

    public static String describe(Throwable failure) {
        // analyzers that need a bean factory or environment to be built are skipped: none of them reads settings errors
        var analyzers = SpringFactoriesLoader.forDefaultResourceLocation(StartupFailures.class.getClassLoader())
                .load(FailureAnalyzer.class, FailureHandler.handleMessage((message, e) -> { }));
        for (var analyzer : analyzers) {
            var analysis = analyzer.analyze(failure);
            if (analysis != null) {
                return analysis.getDescription() + System.lineSeparator() + analysis.getAction();
            }
        }
        return String.valueOf(failure);
    }

    private StartupFailures() {
    }
}
