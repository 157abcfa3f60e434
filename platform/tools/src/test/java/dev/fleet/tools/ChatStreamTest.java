package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ChatStreamTest {

    @Test
    void joinsTheDeltasUpToDoneAndReportsTheUsage() throws Exception {
        // given an OpenAI stream with a role chunk, two pieces, a finish chunk, a usage chunk and [DONE]
        String sse = """
                : keep-alive

                data: {"choices":[{"index":0,"delta":{"role":"assistant"}}]}

                data: {"choices":[{"index":0,"delta":{"content":"Six "}}]}

                data: {"choices":[{"index":0,"delta":{"content":"services."}}]}

                data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

                data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}

                data: [DONE]

                data: {"choices":[{"index":0,"delta":{"content":"after done"}}]}
                """;
        ByteArrayOutputStream echo = new ByteArrayOutputStream();

        // when
        ChatStream.Answer answer = ChatStream.read(new BufferedReader(new StringReader(sse)),
                new PrintStream(echo, true, StandardCharsets.UTF_8));

        // then
        assertThat(answer.text()).isEqualTo("Six services.");
        assertThat(answer.done()).isTrue();
        assertThat(answer.summary()).isEqualTo("answer: Six services.\nusage: prompt 12, completion 3, total 15 tokens");
        assertThat(echo.toString(StandardCharsets.UTF_8)).startsWith("    : keep-alive\n    data: {\"choices\"")
                .contains("    data: [DONE]").doesNotContain("after done").doesNotContain("\n\n");
    }

    @Test
    void reportsAnErrorEventAndAStreamCutShort() throws Exception {
        String sse = """
                data: {"choices":[{"index":0,"delta":{"content":"Par"}}]}

                data: not json

                data: {"error":{"message":"model timed out","type":"server_error"}}
                """;

        ChatStream.Answer answer = ChatStream.read(new BufferedReader(new StringReader(sse)),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(answer.text()).isEqualTo("Par");
        assertThat(answer.error()).contains("model timed out");
        assertThat(answer.done()).isFalse();
        assertThat(answer.summary()).isEqualTo("answer: Par\nerror: model timed out");
    }

    @Test
    void saysSoWhenTheStreamHadNoContent() throws Exception {
        ChatStream.Answer answer = ChatStream.read(new BufferedReader(new StringReader("data: [DONE]\n")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(answer.summary()).isEqualTo("answer: (no content in the stream)");
    }
}
