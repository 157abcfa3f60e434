package dev.fleet.orchestrator.console;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.fleet.platform.kafka.ConsumerGroupLags;
import dev.fleet.platform.kafka.ConsumerGroupLags.GroupLag;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The console's Fleet page: each service replica's readiness (its {@code /actuator/health/readiness}, the
 * probe Kubernetes uses) and, per consumer group, its members and lag (Kafka's Admin API, as
 * {@code fleet status} reads it). Nothing here is on a request path of the fleet; a replica that does not
 * answer within the timeout is shown as unreachable, never waited for.
 */
public final class FleetOverview implements AutoCloseable {

    /** A replica's readiness: {@code UP}, {@code DOWN}/{@code OUT_OF_SERVICE} (what it said), or {@code UNREACHABLE}. */
    public record Readiness(String service, URI url, String state) {
        public boolean ready() {
            return "UP".equals(state);
        }
    }

    private final Map<String, Object> adminConfig;
    private final List<Map.Entry<String, URI>> services;
    private final WebClient web;
    private final Duration timeout;
    private Admin admin; // guarded by this

    /**
     * @param adminConfig the admin client's configuration (Spring Kafka's admin properties: bootstrap servers,
     *                    security)
     * @param services    the replicas to probe: service name and base URL, in display order
     */
    public FleetOverview(Map<String, Object> adminConfig, List<Map.Entry<String, URI>> services,
            WebClient.Builder web, Duration timeout) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.adminConfig = Map.copyOf(config);
        this.services = List.copyOf(services);
        this.web = web.build();
        this.timeout = timeout;
    }

    /**
     * Parses {@code FLEET_CONSOLE_SERVICES}: {@code name=url} pairs separated by commas; a name may repeat
     * (one entry per replica).
     */
    public static List<Map.Entry<String, URI>> parseServices(String value) {
        List<Map.Entry<String, URI>> entries = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return entries;
        }
        for (String pair : value.split(",")) {
            String trimmed = pair.strip();
            int eq = trimmed.indexOf('=');
            if (eq <= 0 || eq == trimmed.length() - 1) {
                throw new IllegalArgumentException("FLEET_CONSOLE_SERVICES: expected name=url, got '" + trimmed + "'");
            }
            URI url = URI.create(trimmed.substring(eq + 1).strip());
            if (url.getScheme() == null || url.getHost() == null) {
                throw new IllegalArgumentException("FLEET_CONSOLE_SERVICES: not an absolute URL: " + url);
            }
            entries.add(Map.entry(trimmed.substring(0, eq).strip(), url));
        }
        return entries;
    }

    public Mono<List<Readiness>> readiness() {
        return Flux.fromIterable(services)
                .flatMapSequential(entry -> probe(entry.getKey(), entry.getValue()))
                .collectList();
    }

    /** Every consumer group's lag per topic; the admin calls run off the event loop. */
    public Mono<List<GroupLag>> groups() {
        return Mono.fromCallable(() -> ConsumerGroupLags.read(admin(), timeout))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** {@link #groups()} by group, in name order. */
    public static Map<String, List<GroupLag>> byGroup(List<GroupLag> lags) {
        Map<String, List<GroupLag>> grouped = new LinkedHashMap<>();
        lags.forEach(lag -> grouped.computeIfAbsent(lag.group(), g -> new ArrayList<>()).add(lag));
        return grouped;
    }

    private Mono<Readiness> probe(String service, URI url) {
        return web.get().uri(url.resolve("/actuator/health/readiness"))
                .retrieve()
                .bodyToMono(Map.class)
                .map(body -> String.valueOf(body.getOrDefault("status", "UNKNOWN")))
                .onErrorResume(WebClientResponseException.class, e -> Mono.just(statusOf(e)))
                .timeout(timeout)
                .onErrorReturn("UNREACHABLE")
                .map(state -> new Readiness(service, url, state));
    }

    private static String statusOf(WebClientResponseException e) {
        // a replica that is not ready answers 503 with its status in the body
        String body = e.getResponseBodyAsString();
        int at = body.indexOf("\"status\":\"");
        if (at < 0) {
            return "HTTP " + e.getStatusCode().value();
        }
        int from = at + "\"status\":\"".length();
        int to = body.indexOf('"', from);
        return to < 0 ? "HTTP " + e.getStatusCode().value() : body.substring(from, to);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminConfig);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
