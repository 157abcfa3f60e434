package dev.fleet.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.gateway.domain.RequestTooLargeException;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.schemas.FleetTopics;

class RecordSizeLimitTest {

    private static final AvroSingleObjectSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    @Test
    void shouldRefuseARecordWhoseEncodingExceedsTheLimit() {
        // given a limit of 10 KB and a request just over it once encoded
        RecordSizeLimit limit = new RecordSizeLimit(SERDE, 10_000);
        ChatRequested small = request("x".repeat(8_000));
        ChatRequested large = request("x".repeat(9_000));
        // when / then
        assertThatCode(() -> limit.check(FleetTopics.CHAT_REQUESTS, "conv", small, "the chat request"))
                .doesNotThrowAnyException();
        RequestTooLargeException e = catchThrowableOfType(
                () -> limit.check(FleetTopics.CHAT_REQUESTS, "conv", large, "the chat request"),
                RequestTooLargeException.class);
        assertThat(e.encodedBytes()).isGreaterThan(10_000)
                .isGreaterThanOrEqualTo(SERDE.serialize(FleetTopics.CHAT_REQUESTS.name(), large).length);
        assertThat(e.limitBytes()).isEqualTo(10_000);
    }

    private static ChatRequested request(String content) {
        return ChatRequested.newBuilder().setRequestId("r").setTenantId("t").setConversationId("conv")
                .setModel("extractive").setMessages(List.of(ChatMessages.text(ChatRole.USER, content)))
                .setStream(false).setMetadata(Map.of()).setReplyTo("gateway-1").setRequestedAt(Instant.now())
                .build();
    }
}
