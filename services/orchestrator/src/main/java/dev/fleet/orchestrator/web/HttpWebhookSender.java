package dev.fleet.orchestrator.web;

import java.time.Duration;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import dev.fleet.orchestrator.domain.webhooks.WebhookSender;

import reactor.core.publisher.Mono;

/**
 * POSTs webhook deliveries with a non-blocking {@link WebClient}; any response is a status (the
 * body is read and dropped), no response within {@code timeout} an error. Redirects are not followed.
 */
public class HttpWebhookSender implements WebhookSender {

    private final WebClient client;
    private final Duration timeout;

    public HttpWebhookSender(WebClient.Builder builder, Duration timeout) {
        this.client = builder.build();
        this.timeout = timeout;
    }

    @Override
    public Mono<Integer> post(String url, String body, Map<String, String> headers) {
        return client.post().uri(url)
                .contentType(MediaType.APPLICATION_JSON)
                .headers(h -> headers.forEach(h::set))
                .bodyValue(body)
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .timeout(timeout);
    }
}
