package com.desayre.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What slice tests check of a refused body: one /problems/invalid-request, and the fields it names, in order. */
public final class SliceProblems {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static JsonNode invalid(WebTestClient client, String method, String path, String json) {
        var body = client.method(org.springframework.http.HttpMethod.valueOf(method)).uri(path).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
        var problem = JSON.readTree(body);
        assertThat(problem.get("type").asString()).as(body).isEqualTo("/problems/invalid-request");
        return problem;
    }

    public static List<String> fields(JsonNode problem) {
        var fields = new ArrayList<String>();
        problem.get("errors").forEach(error -> fields.add(error.get("field").asString()));
        return fields;
    }

    public static List<String> messages(JsonNode problem) {
        var messages = new ArrayList<String>();
        problem.get("errors").forEach(error -> messages.add(error.get("message").asString()));
        return messages;
    }

    private SliceProblems() {
    }
}
