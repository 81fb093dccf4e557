package com.desayre.providersim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DirectivesTest {

    @Test
    void aPromptWithoutDirectivesIsUntouchedApartFromWhitespace() {
        Directives d = Directives.parse("  a red   fox\n in snow ");
        assertThat(d.prompt()).isEqualTo("a red fox in snow");
        assertThat(d.mode()).isNull();
        assertThat(d.latency()).isNull();
        assertThat(d.modeOr(SimulatorSettings.Mode.SYNC)).isEqualTo(SimulatorSettings.Mode.SYNC);
        assertThat(d.latencyOr(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void modeAndLatencyAreReadAndStripped() {
        Directives d = Directives.parse("[sim:async] a castle [sim:latency=1500]");
        assertThat(d.prompt()).isEqualTo("a castle");
        assertThat(d.mode()).isEqualTo(SimulatorSettings.Mode.ASYNC);
        assertThat(d.latency()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void namesAreCaseInsensitiveAndTheLastOneWins() {
        Directives d = Directives.parse("x [SIM:ASYNC] y [Sim:Sync] [sim: latency = 20 ]");
        assertThat(d.prompt()).isEqualTo("x y");
        assertThat(d.mode()).isEqualTo(SimulatorSettings.Mode.SYNC);
        assertThat(d.latency()).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void aPromptOfOnlyDirectivesLeavesAnEmptyPrompt() {
        assertThat(Directives.parse("[sim:sync]").prompt()).isEmpty();
    }

    @Test
    void ordinaryBracketsAreNotDirectives() {
        assertThat(Directives.parse("a [red] fox [similar: yes]").prompt()).isEqualTo("a [red] fox [similar: yes]");
    }

    @Test
    void badDirectivesAreRejected() {
        assertThatThrownBy(() -> Directives.parse("[sim:nope]"))
                .isInstanceOf(Directives.InvalidDirectiveException.class).hasMessageContaining("[sim:nope]");
        assertThatThrownBy(() -> Directives.parse("[sim:latency=soon]"))
                .isInstanceOf(Directives.InvalidDirectiveException.class);
        assertThatThrownBy(() -> Directives.parse("[sim:latency=-1]"))
                .isInstanceOf(Directives.InvalidDirectiveException.class);
        assertThatThrownBy(() -> Directives.parse("[sim:latency]"))
                .isInstanceOf(Directives.InvalidDirectiveException.class);
        assertThatThrownBy(() -> Directives.parse("[sim:async=1]"))
                .isInstanceOf(Directives.InvalidDirectiveException.class);
    }
}
