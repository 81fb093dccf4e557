package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.logging.LogEntry;

/** Which of Chromium's log lines fail a page test ({@link Page#isError}), on lines as Chromium writes them. */
class ConsoleRulesTest {
    private static final String BASE = "http://127.0.0.1:8123";

    private static boolean error(Level level, String message, String... notFound) {
        return Page.isError(new LogEntry(level, 0, message), Set.of(notFound));
    }

    private static String failedLoad(String path, int status) {
        return BASE + path + " - Failed to load resource: the server responded with a status of " + status + " (Whatever)";
    }

    @Test
    void uncaughtErrorsAndConsoleErrorsAreErrors() {
        assertThat(error(Level.SEVERE, BASE + "/studio/jobs.js 12:5 Uncaught TypeError: x is undefined")).isTrue();
        assertThat(error(Level.SEVERE, "console-api 3:9 \"something broke\"")).isTrue();
    }

    @Test
    void warningsAndInformationAreNot() {
        assertThat(error(Level.WARNING, "console-api 3:9 \"careful\"")).isFalse();
        assertThat(error(Level.INFO, "console-api 3:9 \"hello\"")).isFalse();
    }

    @Test
    void anApisRefusalIsNotAnErrorButItsFailureIs() {
        assertThat(error(Level.SEVERE, failedLoad("/api/auth/me", 401))).isFalse();
        assertThat(error(Level.SEVERE, failedLoad("/api/generate/image", 429))).isFalse();
        assertThat(error(Level.SEVERE, failedLoad("/api/history", 500))).isTrue();
        assertThat(error(Level.SEVERE, failedLoad("/api/history", 503))).isTrue();
    }

    @Test
    void aMissingFileOfTheStudioIsAnError() {
        assertThat(error(Level.SEVERE, failedLoad("/studio/pages/images.js", 404))).isTrue();
        assertThat(error(Level.SEVERE, failedLoad("/studio.css", 404))).isTrue();
        assertThat(error(Level.SEVERE, failedLoad("/apifoo", 400))).isTrue();
    }

    @Test
    void theNotFoundOfAnAddressThatShowedNothingHereIsNot() {
        assertThat(error(Level.SEVERE, failedLoad("/no-such-page", 404), BASE + "/no-such-page")).isFalse();
        assertThat(error(Level.SEVERE, failedLoad("/no-such-page", 404))).isTrue();
        assertThat(error(Level.SEVERE, failedLoad("/no-such-page", 500), BASE + "/no-such-page")).isTrue();
    }
}
