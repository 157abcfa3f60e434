package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoJsonTest {

    @Test
    void getsAValueByDottedPathWithArrayIndexes() {
        String body = "{\"id\":\"t-1\",\"data\":[{\"embedding\":[0.5,1]}],\"n\":null}";

        assertThat(DemoJson.get(body, "id")).isEqualTo("t-1");
        assertThat(DemoJson.get(body, "data.0.embedding")).isEqualTo("[0.5,1]");
        assertThat(DemoJson.get(body, "data.1.embedding")).isEmpty();
        assertThat(DemoJson.get(body, "n")).isEmpty();
        assertThat(DemoJson.get("not json", "id")).isEmpty();
    }

    @Test
    void countsTheElementsOfAnArrayAndZeroWithoutOne() {
        assertThat(DemoJson.count("{\"results\":[{},{},{}]}", "results")).isEqualTo(3);
        assertThat(DemoJson.count("{\"results\":{}}", "results")).isZero();
        assertThat(DemoJson.count("<html>502</html>", "results")).isZero();
    }

    @Test
    void prettyPrintsJsonAndLeavesOtherTextAlone() {
        assertThat(DemoJson.pretty("{\"a\":1}")).isEqualTo("{\n  \"a\" : 1\n}");
        assertThat(DemoJson.pretty("upstream timeout\n")).isEqualTo("upstream timeout");
    }

    @Test
    void summarizesAnEmbeddingsResponse() {
        String body = "{\"model\":\"all-minilm-l6-v2\",\"data\":[{\"embedding\":[1,2,3]},{\"embedding\":[4,5,6]}],"
                + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";

        assertThat(DemoJson.embeddings(body)).isEqualTo(
                "2 vectors of dimension 3 (model all-minilm-l6-v2, usage {\"prompt_tokens\":2,\"total_tokens\":2})");
    }
}
