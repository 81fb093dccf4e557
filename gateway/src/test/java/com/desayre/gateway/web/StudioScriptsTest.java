package com.desayre.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The studio's rules that need no page (status order, the cancel's label, the rate-limit sentence, the webhooks panel's words), in
 * {@code src/test/js/*.test.mjs}, run by node's own test runner: no npm package, node 20+ on the PATH (as for
 * {@code ApiDocsIT}'s lint).
 */
class StudioScriptsTest {
    @Test
    void theStudiosRulesHold() throws Exception {
        var node = new ProcessBuilder("node", "--test", "src/test/js/").redirectErrorStream(true).start();
        var output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node --test ended").isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("# fail 0");
    }
}
