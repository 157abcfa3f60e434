package dev.fleet.gateway.web;

import org.springframework.http.HttpStatus;

import dev.fleet.platform.web.ApiError;

/** The {@code model_not_found} error, worded like OpenAI's. */
final class ModelErrors {

    private ModelErrors() {
    }

    static ApiError notFound(String model) {
        return new ApiError(HttpStatus.NOT_FOUND, "The model '" + model + "' does not exist or you do not have "
                + "access to it.", "invalid_request_error", "model", "model_not_found");
    }
}
