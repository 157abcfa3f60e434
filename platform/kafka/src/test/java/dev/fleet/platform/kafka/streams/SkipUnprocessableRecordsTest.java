package dev.fleet.platform.kafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.ProcessingHandlerResponse;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.schemas.FleetTopics;

class SkipUnprocessableRecordsTest {

    private final SkipUnprocessableRecords handler = new SkipUnprocessableRecords();
    private final Record<String, String> record = new Record<>("t1", "usage", 0L);

    @Test
    void skipsARecordWhoseProcessingThrew() {
        // when
        ProcessingHandlerResponse response = handler.handle(context(), record,
                new IllegalArgumentException("usage quantity must not be negative"));

        // then
        assertThat(response).isEqualTo(ProcessingHandlerResponse.CONTINUE);
    }

    @Test
    void failsOnKafkaStreamsOwnFailuresSuchAsAFailedSend() {
        // when
        ProcessingHandlerResponse response = handler.handle(context(), record,
                new StreamsException("Error encountered sending record to topic fleet.usage.rollups.v1"));

        // then
        assertThat(response).isEqualTo(ProcessingHandlerResponse.FAIL);
    }

    private static ErrorHandlerContext context() {
        Headers headers = new RecordHeaders();
        headers.add(FleetHeaders.EVENT_ID, "event-1".getBytes(StandardCharsets.UTF_8));
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return FleetTopics.USAGE.name();
            }

            @Override
            public int partition() {
                return 3;
            }

            @Override
            public long offset() {
                return 42;
            }

            @Override
            public Headers headers() {
                return headers;
            }

            @Override
            public String processorNodeId() {
                return "validate-usage";
            }

            @Override
            public TaskId taskId() {
                return new TaskId(0, 3);
            }

            @Override
            public long timestamp() {
                return 0;
            }
        };
    }
}
