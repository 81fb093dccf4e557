package com.desayre.providersim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatorSettingsTest {

    @Test
    void defaultsAndWithers() {
        SimulatorSettings d = SimulatorSettings.defaults();
        assertThat(d.port()).isZero();
        assertThat(d.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(d.latency()).isEqualTo(Duration.ZERO);
        assertThat(d.mode()).isEqualTo(SimulatorSettings.Mode.SYNC);
        assertThat(d.publicBaseUrl()).isNull();

        SimulatorSettings s = d.withPort(9000).withBindAddress("0.0.0.0").withLatency(Duration.ofMillis(5))
                .withMode(SimulatorSettings.Mode.ASYNC).withPublicBaseUrl("http://sim:9000//");
        assertThat(s).isEqualTo(new SimulatorSettings(9000, "0.0.0.0", Duration.ofMillis(5),
                SimulatorSettings.Mode.ASYNC, "http://sim:9000"));
        assertThat(d.withPublicBaseUrl(" ").publicBaseUrl()).isNull();
    }

    @Test
    void rejectsNonsense() {
        SimulatorSettings d = SimulatorSettings.defaults();
        assertThatThrownBy(() -> d.withPort(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withLatency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withMode(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void commandLineAndEnvironment() {
        SimulatorSettings none = SimulatorSettings.fromCommandLine(new String[0], Map.of());
        assertThat(none.port()).isEqualTo(8090);
        assertThat(none.mode()).isEqualTo(SimulatorSettings.Mode.SYNC);

        SimulatorSettings env = SimulatorSettings.fromCommandLine(new String[0],
                Map.of("SIM_PORT", "9100", "SIM_LATENCY_MS", "250", "SIM_MODE", "async"));
        assertThat(env.port()).isEqualTo(9100);
        assertThat(env.latency()).isEqualTo(Duration.ofMillis(250));
        assertThat(env.mode()).isEqualTo(SimulatorSettings.Mode.ASYNC);

        SimulatorSettings args = SimulatorSettings.fromCommandLine(
                new String[] {"--port=9200", "--mode=SYNC", "--public-base-url=http://x:1"}, Map.of("SIM_PORT", "9100"));
        assertThat(args.port()).isEqualTo(9200);
        assertThat(args.mode()).isEqualTo(SimulatorSettings.Mode.SYNC);
        assertThat(args.publicBaseUrl()).isEqualTo("http://x:1");

        assertThat(none.fixedImages()).isFalse();
        assertThat(SimulatorSettings.fromCommandLine(new String[] {"--fixed-images=true"}, Map.of()).fixedImages()).isTrue();
        assertThat(SimulatorSettings.fromCommandLine(new String[0], Map.of("SIM_FIXED_IMAGES", "TRUE")).fixedImages()).isTrue();
        assertThatThrownBy(() -> SimulatorSettings.fromCommandLine(new String[] {"--fixed-images=yes"}, Map.of()))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> SimulatorSettings.fromCommandLine(new String[] {"--mode=later"}, Map.of()))
                .hasMessageContaining("sync or async");
        assertThatThrownBy(() -> SimulatorSettings.fromCommandLine(new String[0], Map.of("SIM_PORT", "x")))
                .hasMessageContaining("port");
    }
}
