package dev.fleet.embedding.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.EmbeddingVector;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.events.v1.ItemVector;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.schemas.ItemKey;

/**
 * Micro-batching: the texts of many embedding requests (or many items) are embedded in one model
 * call and the vectors are split back to whom they belong. A request that cannot be served
 * (unknown model, no inputs, a blank input, too many inputs) gets an error result and costs nothing.
 * <p>
 * Limits: one call holds every text of the batch; the caller bounds the batch (records per poll).
 */
public class EmbeddingBatcher {

    private final TextEmbedder embedder;
    private final int maxInputsPerRequest;

    public EmbeddingBatcher(TextEmbedder embedder, int maxInputsPerRequest) {
        this.embedder = embedder;
        this.maxInputsPerRequest = maxInputsPerRequest;
    }

    /** The model all vectors come from. */
    public String modelName() {
        return embedder.modelName();
    }

    /** The version of that model, carried on every item vector. */
    public String modelVersion() {
        return embedder.modelVersion();
    }

    /** One result per request, in request order; the inputs of all valid requests go to the model at once. */
    public List<EmbeddingResult> answer(List<EmbeddingRequested> requests) {
        List<String> texts = new ArrayList<>();
        int[] firstText = new int[requests.size()];
        ReplyError[] errors = new ReplyError[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            EmbeddingRequested request = requests.get(i);
            errors[i] = problemWith(request);
            if (errors[i] == null) {
                firstText[i] = texts.size();
                texts.addAll(request.getInputs());
            }
        }
        List<TextEmbedding> embedded = embedder.embedAll(texts);
        List<EmbeddingResult> results = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            EmbeddingRequested request = requests.get(i);
            results.add(errors[i] != null ? failed(request, errors[i])
                    : answered(request, embedded.subList(firstText[i], firstText[i] + request.getInputs().size())));
        }
        return results;
    }

    /**
     * The vectors of upserted items, in order, from one model call.
     *
     * @throws IllegalArgumentException if an event is not a valid upsert (see {@link #checkItem})
     */
    public List<VectorizedItem> vectorize(List<ItemEvent> upserts) {
        List<String> texts = new ArrayList<>(upserts.size());
        for (ItemEvent event : upserts) {
            checkItem(event);
            if (!(event.getChange() instanceof ItemUpserted upserted)) {
                throw new IllegalArgumentException("not an upsert: " + ItemKey.of(event));
            }
            texts.add(upserted.getText());
        }
        List<TextEmbedding> embedded = embedder.embedAll(texts);
        List<VectorizedItem> items = new ArrayList<>(upserts.size());
        for (int i = 0; i < upserts.size(); i++) {
            ItemEvent event = upserts.get(i);
            ItemUpserted upserted = (ItemUpserted) event.getChange();
            TextEmbedding embedding = embedded.get(i);
            ItemVector vector = ItemVector.newBuilder()
                    .setTenantId(event.getTenantId())
                    .setCollection(event.getCollection())
                    .setItemId(event.getItemId())
                    .setModel(embedder.modelName())
                    .setModelVersion(embedder.modelVersion())
                    .setVector(boxed(embedding.vector()))
                    .setText(upserted.getText())
                    .setMetadata(new HashMap<>(upserted.getMetadata()))
                    .build();
            items.add(new VectorizedItem(ItemKey.of(event), vector, embedding.tokens()));
        }
        return items;
    }

    /**
     * Checks that an item event can be processed: its ids make a parseable key and an upsert's text
     * is not blank.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static void checkItem(ItemEvent event) {
        ItemKey.of(event);
        if (event.getChange() instanceof ItemUpserted upserted && upserted.getText().isBlank()) {
            throw new IllegalArgumentException("item " + ItemKey.of(event) + " has a blank text");
        }
    }

    private ReplyError problemWith(EmbeddingRequested request) {
        if (!embedder.modelName().equalsIgnoreCase(request.getModel())) {
            return invalidRequest(ErrorCode.MODEL_NOT_FOUND, "The model '" + request.getModel()
                    + "' does not exist; this worker serves '" + embedder.modelName() + "'.");
        }
        List<String> inputs = request.getInputs();
        if (inputs.isEmpty()) {
            return invalidRequest(ErrorCode.INVALID_REQUEST, "'input' must not be empty.");
        }
        if (inputs.size() > maxInputsPerRequest) {
            return invalidRequest(ErrorCode.INVALID_REQUEST, "'input' has " + inputs.size() + " items; at most "
                    + maxInputsPerRequest + " are allowed.");
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null || inputs.get(i).isBlank()) {
                return invalidRequest(ErrorCode.INVALID_REQUEST, "'input[" + i + "]' must not be blank.");
            }
        }
        return null;
    }

    private EmbeddingResult answered(EmbeddingRequested request, List<TextEmbedding> embedded) {
        List<EmbeddingVector> vectors = new ArrayList<>(embedded.size());
        int tokens = 0;
        for (int i = 0; i < embedded.size(); i++) {
            vectors.add(new EmbeddingVector(i, boxed(embedded.get(i).vector())));
            tokens += embedded.get(i).tokens();
        }
        return EmbeddingResult.newBuilder()
                .setRequestId(request.getRequestId())
                .setModel(embedder.modelName())
                .setVectors(vectors)
                .setPromptTokens(tokens)
                .setError(null)
                .build();
    }

    private static EmbeddingResult failed(EmbeddingRequested request, ReplyError error) {
        return EmbeddingResult.newBuilder()
                .setRequestId(request.getRequestId())
                .setModel(request.getModel())
                .setVectors(List.of())
                .setPromptTokens(0)
                .setError(error)
                .build();
    }

    private static ReplyError invalidRequest(ErrorCode code, String message) {
        return new ReplyError(ErrorType.INVALID_REQUEST_ERROR, code, message);
    }

    private static List<Float> boxed(float[] vector) {
        List<Float> values = new ArrayList<>(vector.length);
        for (float v : vector) {
            values.add(v);
        }
        return values;
    }
}
