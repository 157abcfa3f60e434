package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

class TransientFailuresTest {

    @Test
    void findsAnUnreachableDatabaseOrATimeoutUnderWrappers() {
        assertThat(TransientFailures.isTransient(new ListenerExecutionFailedException("listener failed",
                new DataAccessResourceFailureException("Failed to obtain R2DBC Connection",
                        new ConnectException("Connection refused"))))).isTrue();
        assertThat(TransientFailures.isTransient(new BatchListenerFailedException("batch failed",
                new RuntimeException(new TimeoutException("Did not observe any item")), 0))).isTrue();
        assertThat(TransientFailures.isTransient(new QueryTimeoutException("slow"))).isTrue();
        assertThat(TransientFailures.isTransient(
                new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s)"))).isTrue();
    }

    @Test
    void leavesARecordsOwnFailureToTheDeadLetterTopic() {
        assertThat(TransientFailures.isTransient(new DataIntegrityViolationException("invalid input syntax")))
                .isFalse();
        assertThat(TransientFailures.isTransient(new IllegalArgumentException("no audit event type"))).isFalse();
        assertThat(TransientFailures.isTransient(null)).isFalse();
    }
}
