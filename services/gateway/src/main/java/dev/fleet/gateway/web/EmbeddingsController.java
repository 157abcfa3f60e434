package dev.fleet.gateway.web;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.EmbeddingVector;
import dev.fleet.gateway.config.FleetGatewayProperties;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.Knowledge;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

import reactor.core.publisher.Mono;

/** {@code POST /v1/embeddings}, answered by the embedding-worker, in OpenAI's shape. */
@RestController
public class EmbeddingsController {

    /** The response. */
    public record EmbeddingList(String object, List<Embedding> data, String model, Usage usage) {
    }

    /** One embedding: a float array, or base64 of little-endian float32 values. */
    public record Embedding(String object, int index, Object embedding) {
    }

    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("total_tokens") int totalTokens) {
    }

    private final Knowledge knowledge;
    private final ModelCatalog catalog;

    private final RequestLimits limits;

    public EmbeddingsController(Knowledge knowledge, ModelCatalog catalog, FleetGatewayProperties properties) {
        this.knowledge = knowledge;
        this.catalog = catalog;
        this.limits = RequestLimits.of(properties);
    }

    @PostMapping("/v1/embeddings")
    public Mono<EmbeddingList> embed(@RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @RequestBody EmbeddingRequest body) {
        List<String> inputs = body.inputs(catalog, limits);
        return knowledge.embed(caller.tenantId(), inputs).map(result -> response(result, inputs.size(), body));
    }

    static EmbeddingList response(EmbeddingResult result, int inputCount, EmbeddingRequest request) {
        if (result.getVectors().size() != inputCount) {
            throw new ApiErrorException(new ApiError(HttpStatus.BAD_GATEWAY, "the embedding service returned "
                    + result.getVectors().size() + " vectors for " + inputCount + " inputs", "server_error", null,
                    "incomplete_reply"));
        }
        List<Embedding> data = result.getVectors().stream()
                .sorted(Comparator.comparingInt(EmbeddingVector::getIndex))
                .map(v -> new Embedding("embedding", v.getIndex(),
                        request.base64() ? base64(v.getValues()) : v.getValues()))
                .toList();
        String model = result.getModel() == null || result.getModel().isBlank() ? request.model() : result.getModel();
        return new EmbeddingList("list", data, model, new Usage(result.getPromptTokens(), result.getPromptTokens()));
    }

    private static String base64(List<Float> values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        values.forEach(buffer::putFloat);
        return Base64.getEncoder().encodeToString(buffer.array());
    }
}
