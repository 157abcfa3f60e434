package dev.fleet.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;

class OpenAiNamesTest {

    @Test
    void shouldSpellSymbolsInOpenAiLowerCase() {
        assertThat(OpenAiNames.of(FinishReason.STOP)).isEqualTo("stop");
        assertThat(OpenAiNames.of(ErrorType.INVALID_REQUEST_ERROR)).isEqualTo("invalid_request_error");
        assertThat(OpenAiNames.of(ErrorCode.MODEL_NOT_FOUND)).isEqualTo("model_not_found");
    }

    @Test
    void shouldKeepAbsentFinishReasonAbsent() {
        assertThat(OpenAiNames.of((FinishReason) null)).isNull();
    }
}
