package dev.fleet.gateway.web;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.fleet.events.v1.ScoreResult;
import dev.fleet.gateway.config.FleetGatewayProperties;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.CollectionItems;
import dev.fleet.gateway.domain.ItemUpsert;
import dev.fleet.gateway.domain.Knowledge;

import reactor.core.publisher.Mono;

/**
 * A tenant's knowledge collections: upsert and delete items (202 once the changes are durably on
 * {@code fleet.items.v1}; they become searchable after the embedding-worker and scorer caught up),
 * and answers semantic search and recommendations by example ({@code positive} / {@code negative} item ids, as
 * Qdrant's recommend) or for a user (from their interactions, decision 0039), all optionally filtered by item
 * metadata.
 */
@RestController
public class CollectionsController {

    /** One search hit. */
    public record SearchHit(String id, double score, String text, Map<String, String> metadata) {
    }

    /** The search response. */
    public record SearchResults(List<SearchHit> results) {

        static SearchResults of(ScoreResult result) {
            return new SearchResults(result.getItems().stream()
                    .map(item -> new SearchHit(item.getItemId(), item.getScore(), item.getText(), item.getMetadata()))
                    .toList());
        }
    }

    private final CollectionItems items;
    private final Knowledge knowledge;

    private final RequestLimits limits;

    public CollectionsController(CollectionItems items, Knowledge knowledge, FleetGatewayProperties properties) {
        this.items = items;
        this.knowledge = knowledge;
        this.limits = RequestLimits.of(properties);
    }

    @PostMapping("/v1/collections/{collection}/items")
    public Mono<ResponseEntity<Map<String, Object>>> upsert(
            @RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @PathVariable("collection") String collection, @RequestBody CollectionRequests.UpsertItems body) {
        String name = CollectionRequests.collection(collection);
        List<ItemUpsert> upserts = body.validated(limits);
        return items.upsert(caller.tenantId(), name, upserts).map(accepted -> ResponseEntity
                .status(HttpStatus.ACCEPTED).body(Map.of("accepted", accepted, "collection", name)));
    }

    @DeleteMapping("/v1/collections/{collection}/items/{id}")
    public Mono<ResponseEntity<Map<String, Object>>> delete(
            @RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @PathVariable("collection") String collection, @PathVariable("id") String id) {
        String name = CollectionRequests.collection(collection);
        String itemId = CollectionRequests.itemId(id, "id");
        return items.delete(caller.tenantId(), name, itemId).thenReturn(ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(Map.of("accepted", 1, "collection", name, "id", itemId)));
    }

    @PostMapping("/v1/collections/{collection}/search")
    public Mono<SearchResults> search(@RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @PathVariable("collection") String collection, @RequestBody CollectionRequests.Search body) {
        String name = CollectionRequests.collection(collection);
        int topK = body.validatedTopK(limits);
        return knowledge.search(caller.tenantId(), name, body.query(), topK, body.validatedFilter())
                .map(SearchResults::of);
    }

    @PostMapping("/v1/collections/{collection}/recommend")
    public Mono<SearchResults> recommend(@RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @PathVariable("collection") String collection, @RequestBody CollectionRequests.Recommend body) {
        String name = CollectionRequests.collection(collection);
        if (body.forUser()) {
            return knowledge.recommendForUser(caller.tenantId(), name, body.validatedUser(),
                    body.validatedExcludeSeen(), body.validatedTopK(), body.validatedFilter()).map(SearchResults::of);
        }
        return knowledge.recommend(caller.tenantId(), name, body.validatedPositive(), body.validatedNegative(),
                body.validatedTopK(), body.validatedFilter()).map(SearchResults::of);
    }
}
