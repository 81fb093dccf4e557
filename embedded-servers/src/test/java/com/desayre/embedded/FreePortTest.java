package com.desayre.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FreePortTest {

    @Test
    void noPortIsHandedOutTwiceInOneJvm() {
        // Kafka's broker and controller each pick one: the kernel offering the same port twice made them collide
        var ports = new HashSet<Integer>();
        IntStream.range(0, 500).forEach(i -> assertThat(ports.add(FreePort.pick())).as("pick %d", i).isTrue());
    }
}
