package com.desayre.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a User-Agent header may leave in the sessions list (AccountsIT lists them for real). */
class SessionLogTest {
    @Test
    void aUserAgentLosesControlCharactersAndIsCutTo300() {
        assertThat(SessionLog.cleanUserAgent("curl/8.5.0\u0000\u001b[31m")).isEqualTo("curl/8.5.0[31m");
        assertThat(SessionLog.cleanUserAgent("a\r\nb")).isEqualTo("ab");
        assertThat(SessionLog.cleanUserAgent("x".repeat(1000))).hasSize(SessionLog.MAX_USER_AGENT);
        assertThat(SessionLog.cleanUserAgent("  \u0007 ")).isNull();
        assertThat(SessionLog.cleanUserAgent(null)).isNull();
    }
}
