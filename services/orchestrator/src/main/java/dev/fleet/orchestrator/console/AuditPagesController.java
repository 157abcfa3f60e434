package dev.fleet.orchestrator.console;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import org.apache.avro.Schema;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantStore;
import dev.fleet.orchestrator.domain.audit.AuditPage;
import dev.fleet.orchestrator.domain.audit.AuditQueries;
import dev.fleet.orchestrator.domain.audit.AuditQueryRejectedException;
import dev.fleet.orchestrator.domain.audit.AuditUnavailableException;
import dev.fleet.orchestrator.domain.audit.AuditVerification;

import reactor.core.publisher.Mono;

/**
 * {@code /console/tenants/{id}/audit}: a tenant's audit log, asked of the audit service through
 * {@link AuditQueries} — a page of events in recording order ({@code type} filters by event type, the types
 * being the payloads of the {@code DomainEvent} schema; {@code after} is the sequence the page starts after,
 * the previous page's cursor), and on demand ({@code verify=true}) the verification of the tenant's hash chain.
 * When the audit service does not answer, the page says so with 503; a query it refuses is a 400.
 */
@Controller
public class AuditPagesController {

    static final int PAGE_SIZE = 50;

    /** The event types, as the audit service names them: the payload records of the DomainEvent union. */
    static final List<String> EVENT_TYPES = DomainEvent.getClassSchema().getField("payload").schema().getTypes()
            .stream().map(Schema::getName).sorted().toList();

    private final AuditQueries audit;
    private final TenantStore tenants;
    private final ObjectMapper json;

    public AuditPagesController(AuditQueries audit, TenantStore tenants, ObjectMapper json) {
        this.audit = audit;
        this.tenants = tenants;
        this.json = json;
    }

    @GetMapping("/console/tenants/{tenantId}/audit")
    Mono<String> audit(@PathVariable String tenantId, @RequestParam MultiValueMap<String, String> query, Model model,
            ServerWebExchange exchange) {
        String typeText = Optional.ofNullable(query.getFirst("type")).map(String::strip).orElse("");
        Optional<String> type = typeText.isEmpty() ? Optional.empty() : Optional.of(typeText);
        if (type.isPresent() && !EVENT_TYPES.contains(type.get())) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "There is no event type " + typeText
                    + "; the types are the payloads of DomainEvent, such as ApiKeyIssued.");
        }
        long after = after(query.getFirst("after"));
        boolean verify = "true".equals(query.getFirst("verify"));
        UUID id = RiskPagesController.uuid(tenantId)
                .orElseThrow(() -> ConsoleModel.notFound("There is no tenant " + tenantId + "."));
        return tenants.findTenant(id)
                .switchIfEmpty(Mono.error(() -> ConsoleModel.notFound("There is no tenant " + tenantId + ".")))
                .flatMap(tenant -> {
                    model.addAttribute("tenant", tenant);
                    model.addAttribute("types", EVENT_TYPES);
                    model.addAttribute("type", typeText);
                    model.addAttribute("after", after);
                    model.addAttribute("verify", verify);
                    Mono<Outcome> events = audit.events(tenant.id(), type, after, OptionalInt.of(PAGE_SIZE))
                            .map(page -> Outcome.of(page(page))).onErrorResume(Outcome::failed);
                    Mono<Outcome> verification = verify
                            ? audit.verify(tenant.id()).map(v -> Outcome.of(verification(v)))
                                    .onErrorResume(Outcome::failed)
                            : Mono.just(Outcome.of(null));
                    return Mono.zip(events, verification).map(both -> render(both.getT1(), both.getT2(), model,
                            exchange));
                });
    }

    private String render(Outcome events, Outcome verification, Model model, ServerWebExchange exchange) {
        model.addAttribute("page", events.value());
        if (events.value() instanceof Page page && page.next() >= 0) {
            model.addAttribute("nextPage", link(model, page.next()));
        }
        model.addAttribute("firstPage", link(model, 0));
        model.addAttribute("eventsProblem", events.problem());
        model.addAttribute("verification", verification.value());
        model.addAttribute("verificationProblem", verification.problem());
        HttpStatus status = events.status() != null ? events.status() : verification.status();
        if (status != null) {
            exchange.getResponse().setStatusCode(status);
        }
        return "console/audit";
    }

    /** The page of the same type's events after {@code after}. */
    private static String link(Model model, long after) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/console/tenants/{id}/audit");
        String type = (String) model.getAttribute("type");
        if (!type.isEmpty()) {
            uri.queryParam("type", type);
        }
        if (after > 0) {
            uri.queryParam("after", after);
        }
        return uri.buildAndExpand(((Tenant) model.getAttribute("tenant")).id()).encode().toUriString();
    }

    private Page page(AuditPage page) {
        List<Row> rows = page.entries().stream().map(e -> new Row(e.sequence(), RiskPagesController.time(
                e.occurredAt()), RiskPagesController.time(e.recordedAt()), e.type(), e.subject(), e.actor(),
                e.producedBy(), e.eventId(), e.chainPosition(), pretty(e.payloadJson()))).toList();
        return new Page(rows, page.nextAfterSequence().isPresent() ? page.nextAfterSequence().getAsLong() : -1);
    }

    private static Verification verification(AuditVerification v) {
        return new Verification(v.ok(), v.entriesChecked(), v.headHash(),
                v.firstBroken().map(AuditVerification.Broken::position).orElse(null),
                v.firstBroken().map(AuditVerification.Broken::eventId).orElse(null),
                v.firstBroken().map(AuditVerification.Broken::reason).orElse(null));
    }

    private String pretty(String payload) {
        if (payload == null || payload.isBlank()) {
            return "";
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(payload));
        } catch (JsonProcessingException e) {
            return payload; // shown as recorded
        }
    }

    private static long after(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            long value = Long.parseLong(text.strip());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "after must be a sequence number from 0 up");
    }

    /** A value the audit service gave, or why there is none and the status the page answers with. */
    private record Outcome(Object value, String problem, HttpStatus status) {

        static Outcome of(Object value) {
            return new Outcome(value, null, null);
        }

        static Mono<Outcome> failed(Throwable e) {
            if (e instanceof AuditUnavailableException) {
                return Mono.just(new Outcome(null, "The audit service did not answer; try again in a moment. ("
                        + e.getMessage() + ")", HttpStatus.SERVICE_UNAVAILABLE));
            }
            if (e instanceof AuditQueryRejectedException rejected) {
                return Mono.just(rejected.invalidRequest()
                        ? new Outcome(null, "The query was refused (" + e.getMessage() + ").",
                                HttpStatus.BAD_REQUEST)
                        : new Outcome(null, "The audit service could not read the log (" + e.getMessage() + ").",
                                HttpStatus.BAD_GATEWAY));
            }
            return Mono.error(e);
        }
    }

    /** A page of events; {@code next} is the cursor of the next page, -1 when this page was the last so far. */
    public record Page(List<Row> rows, long next) {
    }

    /** One event as the page shows it. */
    public record Row(long sequence, String occurredAt, String recordedAt, String type, String subject, String actor,
            String producedBy, UUID eventId, Long chainPosition, String payload) {
    }

    /** The chain verification as the page shows it; the broken fields are null when the chain is intact. */
    public record Verification(boolean ok, long entriesChecked, String headHash, Long brokenPosition,
            UUID brokenEventId, String brokenReason) {
    }
}
