package dev.fleet.platform.kafka;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.errors.RetriableException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/**
 * The fleet's one answer to "will this failure go away by itself?": a database that is away
 * (connection refused or dropped, no connection from the pool, a timeout, a serialization or
 * lock conflict) or a broker that does not acknowledge in time. A consumer retries such a
 * failure with backoff, for as long as it lasts, and never dead-letters the record because of
 * it; every other failure is the record's own and goes to {@code <topic>.dlq} after bounded retries.
 * <p>
 * The cause chain is searched, so wrappers (listener exceptions, Reactor's blocking wrapper)
 * do not hide the cause. R2DBC's exceptions are matched by class name so this library needs no
 * R2DBC dependency. Limit: a failure that looks transient but never ends (a wrong password
 * reported as a dropped connection) is retried until an operator fixes it; readiness shows it.
 */
public final class TransientFailures {

    private static final Set<String> TRANSIENT_BY_NAME = Set.of(
            "io.r2dbc.spi.R2dbcTransientException",
            "io.r2dbc.spi.R2dbcNonTransientResourceException", // "cannot connect", "connection closed"
            "org.springframework.transaction.CannotCreateTransactionException",
            "io.r2dbc.pool.PoolAcquireTimeoutException");

    private static final int MAX_DEPTH = 16;

    private TransientFailures() {
    }

    /** Whether {@code failure}, or one of its causes, is a failure that passes by itself. */
    public static boolean isTransient(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof TransientDataAccessException || t instanceof DataAccessResourceFailureException
                    || t instanceof RecoverableDataAccessException || t instanceof RetriableException
                    || t instanceof TimeoutException || t instanceof ConnectException
                    || t instanceof ClosedChannelException || namedTransient(t.getClass())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean namedTransient(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (TRANSIENT_BY_NAME.contains(c.getName())) {
                return true;
            }
        }
        return false;
    }
}
