package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ModelsLabAnswerTest {
    private final JsonMapper json = JsonMapper.builder().build();

    private ModelsLabAnswer read(String body) {
        return ModelsLabAnswer.read(json.readTree(body));
    }

    @Test
    void successWithNumericIdAndSeed() {
        var answer = read("""
                {"status":"success","id":123456789,"output":["http://x/1.png"],"meta":{"seed":7}}""");
        assertThat(answer.outcome()).isEqualTo(ModelsLabAnswer.Outcome.SUCCESS);
        assertThat(answer.id()).isEqualTo("123456789");
        assertThat(answer.outputs()).containsExactly("http://x/1.png");
        assertThat(answer.seed()).isEqualTo(7L);
    }

    @Test
    void queuedAndPendingAreStillProcessing() {
        assertThat(read("{\"status\":\"queued\",\"id\":\"9\",\"eta\":4.5}").outcome()).isEqualTo(ModelsLabAnswer.Outcome.PROCESSING);
        assertThat(read("{\"status\":\"pending\"}").outcome()).isEqualTo(ModelsLabAnswer.Outcome.PROCESSING);
        assertThat(read("{\"status\":\"processing\",\"eta\":4.5}").etaSeconds()).isEqualTo(4.5);
    }

    @Test
    void theMessegeTypoIsRead() {
        var answer = read("{\"status\":\"error\",\"messege\":\"Invalid API key\"}");
        assertThat(answer.outcome()).isEqualTo(ModelsLabAnswer.Outcome.ERROR);
        assertThat(answer.message()).isEqualTo("Invalid API key");
    }

    @Test
    void failedIsTheProvidersOwnFailure() {
        var answer = read("{\"status\":\"failed\",\"id\":9,\"message\":\"Processing failed\"}");
        assertThat(answer.outcome()).isEqualTo(ModelsLabAnswer.Outcome.FAILED);
        assertThat(answer.message()).isEqualTo("Processing failed");
    }

    @Test
    void proxyLinksStandInForAnEmptyOutputEvenAsAMap() {
        var answer = read("{\"status\":\"success\",\"output\":[],\"proxy_links\":{\"0\":\"http://mirror/1.png\"}}");
        assertThat(answer.outputs()).containsExactly("http://mirror/1.png");
    }

    @Test
    void futureLinksAreNeverAnOutput() {
        var answer = read("{\"status\":\"processing\",\"output\":[],\"future_links\":[\"http://x/soon.png\"]}");
        assertThat(answer.outputs()).isEmpty();
    }
}
