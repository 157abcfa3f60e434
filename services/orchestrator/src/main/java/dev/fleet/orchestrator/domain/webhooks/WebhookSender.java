package dev.fleet.orchestrator.domain.webhooks;

import java.util.Map;

import reactor.core.publisher.Mono;

/** POSTs a JSON body with headers to a URL; emits the HTTP status, or an error when there was no response. */
public interface WebhookSender {

    Mono<Integer> post(String url, String body, Map<String, String> headers);
}
