package dev.fleet.orchestrator.web;

import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorHandler;

import io.r2dbc.spi.R2dbcException;

/**
 * Answers a failed database call with an OpenAI-shaped 503 (nothing was changed: the change and
 * its outbox records roll back together) instead of Spring's default error page. Handles only
 * database exceptions, so it cannot shadow the platform's {@link ApiErrorHandler}.
 */
@RestControllerAdvice
public class DatabaseErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(DatabaseErrorHandler.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    @ExceptionHandler({DataAccessException.class, R2dbcException.class})
    ResponseEntity<Map<String, Object>> databaseUnavailable(Exception e) {
        log.warn("admin request failed in the database: {}", e.toString());
        ApiError error = ApiError.unavailable("The control-plane database is unavailable; nothing was changed",
                "database_unavailable");
        return ApiErrorHandler.respond(new ApiErrorException(error, RETRY_AFTER));
    }
}
