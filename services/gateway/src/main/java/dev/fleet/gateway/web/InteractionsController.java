package dev.fleet.gateway.web;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.CollectionInteractions;
import dev.fleet.gateway.domain.InteractionReport;

import reactor.core.publisher.Mono;

/**
 * What users did with a collection's items ({@link InteractionRequests}): 202 once the interactions are durably on
 * {@code fleet.interactions.v1}; they shape recommendations for those users as soon as the scorer read them
 * (decision 0039).
 */
@RestController
public class InteractionsController {

    private final CollectionInteractions interactions;
    private final Clock clock;

    public InteractionsController(CollectionInteractions interactions, Clock clock) {
        this.interactions = interactions;
        this.clock = clock;
    }

    @PostMapping("/v1/collections/{collection}/interactions")
    public Mono<ResponseEntity<Map<String, Object>>> record(
            @RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @PathVariable("collection") String collection, @RequestBody InteractionRequests.Body body) {
        String name = CollectionRequests.collection(collection);
        List<InteractionReport> reports = body.validated(clock.instant());
        return interactions.record(caller.tenantId(), name, reports).map(accepted -> ResponseEntity
                .status(HttpStatus.ACCEPTED).body(Map.of("accepted", accepted, "collection", name)));
    }
}
