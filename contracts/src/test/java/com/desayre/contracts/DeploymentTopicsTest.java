package com.desayre.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docker-compose creates the topics up front by name: it must name every topic DESAYRE uses. */
class DeploymentTopicsTest {

    @Test
    void dockerComposeCreatesEveryTopic() throws Exception {
        var compose = Files.readString(Path.of("..", "docker-compose.yml"));
        for (var topic : Topics.all()) {
            assertThat(compose).as("docker-compose.yml's kafka-init creates %s", topic).containsPattern("\\s" + java.util.regex.Pattern.quote(topic) + "[\\s;]");
        }
    }
}
