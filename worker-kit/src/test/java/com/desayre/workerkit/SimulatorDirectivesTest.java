package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulatorDirectivesTest {

    @Test
    void everyDirectiveIsStrippedAndTheRestKept() {
        assertThat(SimulatorDirectives.strip("[sim:fail=429] a lighthouse [SIM: latency = 1500] at dusk [sim:never]"))
                .isEqualTo("a lighthouse at dusk");
        assertThat(SimulatorDirectives.strip("line one\nline two [sim:sync]")).isEqualTo("line one\nline two");
        assertThat(SimulatorDirectives.strip("no directive [but brackets] and sim: words")).isEqualTo("no directive [but brackets] and sim: words");
        assertThat(SimulatorDirectives.strip(null)).isNull();
    }

    @Test
    void onlyTheSimulatorGetsThem() {
        var prompt = "[sim:fail=503] a lighthouse";
        assertThat(SimulatorDirectives.forProvider(prompt, true)).isEqualTo(prompt);
        assertThat(SimulatorDirectives.forProvider(prompt, false)).isEqualTo("a lighthouse");
    }

    @Test
    void aHostOffTheProvidersDomainIsTheSimulatorUnlessSaidOtherwise() {
        assertThat(SimulatorDirectives.isSimulator("https://modelslab.com", "modelslab.com", null)).isFalse();
        assertThat(SimulatorDirectives.isSimulator("https://eu.API.modelslab.com/v7", "modelslab.com", null)).isFalse();
        assertThat(SimulatorDirectives.isSimulator("https://api.x.ai", "x.ai", null)).isFalse();
        assertThat(SimulatorDirectives.isSimulator("https://us-east-1.api.x.ai", "x.ai", null)).isFalse();
        assertThat(SimulatorDirectives.isSimulator("http://127.0.0.1:41234", "x.ai", null)).isTrue();
        assertThat(SimulatorDirectives.isSimulator("http://provider-sim:8090", "modelslab.com", null)).isTrue();
        // a look-alike is not the provider's domain; a proxy in front of the real API says so explicitly
        assertThat(SimulatorDirectives.isSimulator("https://notmodelslab.com", "modelslab.com", null)).isTrue();
        assertThat(SimulatorDirectives.isSimulator("http://127.0.0.1:41234", "x.ai", false)).isFalse();
        assertThat(SimulatorDirectives.isSimulator("not a url", "x.ai", null)).isFalse();
    }
}
