package dev.fleet.audit.web;

import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.never;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.autoconfigure.web.reactive.WebFluxTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.audit.config.FleetAuditProperties;
import dev.fleet.audit.domain.AuditLog;
import dev.fleet.audit.domain.AuditedEvent;
import dev.fleet.platform.web.FleetWebAutoConfiguration;
import reactor.core.publisher.Flux;

@WebFluxTest(controllers = AuditController.class, properties = {"fleet.admin.token=" + AuditControllerTest.TOKEN,
        "fleet.admin.paths=/audit/"})
@ImportAutoConfiguration(FleetWebAutoConfiguration.class)
class AuditControllerTest {

    static final String TOKEN = "slice-token";
    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");

    @TestConfiguration
    @EnableConfigurationProperties(FleetAuditProperties.class)
    static class Properties {
    }

    @Autowired
    WebTestClient http;

    @MockitoBean
    AuditLog auditLog;

    @Test
    void answersATenantsEventsWithThePayloadAsAJsonObject() {
        // given
        UUID eventId = UUID.randomUUID();
        given(auditLog.page("t1", 0, 100)).willReturn(Flux.just(new AuditedEvent(7, eventId, "t1",
                "CompletionSucceeded", AT, "key/k1", "request/r1", "orchestrator",
                "{\"requestId\":\"r1\",\"promptTokens\":3}", AT.plusSeconds(1))));

        // when / then
        admin("/audit/events?tenant=t1")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.events.length()").isEqualTo(1)
                .jsonPath("$.events[0].seq").isEqualTo(7)
                .jsonPath("$.events[0].event_id").isEqualTo(eventId.toString())
                .jsonPath("$.events[0].tenant_id").isEqualTo("t1")
                .jsonPath("$.events[0].type").isEqualTo("CompletionSucceeded")
                .jsonPath("$.events[0].occurred_at").isEqualTo("2025-03-01T10:00:00Z")
                .jsonPath("$.events[0].actor").isEqualTo("key/k1")
                .jsonPath("$.events[0].subject").isEqualTo("request/r1")
                .jsonPath("$.events[0].produced_by").isEqualTo("orchestrator")
                .jsonPath("$.events[0].payload.promptTokens").isEqualTo(3)
                .jsonPath("$.events[0].recorded_at").isEqualTo("2025-03-01T10:00:01Z");
    }

    @Test
    void pagesWithLimitAndAfter() {
        given(auditLog.page("t1", 41, 2)).willReturn(Flux.empty());

        admin("/audit/events?tenant=t1&limit=2&after=41")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.events").isEmpty();
        then(auditLog).should().page("t1", 41, 2);
    }

    @Test
    void rejectsAMissingTenant() {
        admin("/audit/events")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("tenant")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error");
        then(auditLog).should(never()).page(anyString(), anyLong(), anyInt());
    }

    @Test
    void rejectsALimitOutOfRangeOrANegativeCursor() {
        admin("/audit/events?tenant=t1&limit=1001").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("limit");
        admin("/audit/events?tenant=t1&limit=0").expectStatus().isBadRequest();
        admin("/audit/events?tenant=t1&after=-1").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("after");
        admin("/audit/events?tenant=t1&after=x").expectStatus().isBadRequest();
    }

    @Test
    void answersTheVerificationOfAnEmptyChainWithFirstBrokenNull() {
        given(auditLog.chain("t1")).willReturn(Flux.empty());

        admin("/audit/verify?tenant=t1")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.tenant").isEqualTo("t1")
                .jsonPath("$.rows").isEqualTo(0)
                .jsonPath("$.valid").isEqualTo(true)
                .jsonPath("$.first_broken").value(v -> org.assertj.core.api.Assertions.assertThat(v).isNull());
    }

    @Test
    void exportsOneJsonObjectPerLine() {
        // given
        UUID eventId = UUID.randomUUID();
        given(auditLog.export("t1", AT, AT.plusSeconds(60))).willReturn(Flux.just(new AuditedEvent(7, eventId, "t1",
                "CompletionSucceeded", AT, "key/k1", "request/r1", "orchestrator", "{\"requestId\":\"r1\"}",
                AT.plusSeconds(1))));

        // when / then
        admin("/audit/events?tenant=t1&format=jsonl&from=2025-03-01T10:00:00Z&to=2025-03-01T10:01:00Z")
                .expectStatus().isOk()
                .expectHeader().contentType("application/jsonl")
                .expectBody(String.class).value(body -> org.assertj.core.api.Assertions.assertThat(body)
                        .startsWith("{\"seq\":7,\"event_id\":\"" + eventId + "\"")
                        .contains("\"payload\":{\"requestId\":\"r1\"}")
                        .endsWith("}\n"));
    }

    @Test
    void rejectsAnExportInAnotherFormatOrWithABadInstant() {
        admin("/audit/events?tenant=t1&format=csv").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("format");
        admin("/audit/events?tenant=t1&format=jsonl&from=yesterday").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("from");
    }

    @Test
    void refusesARequestWithoutTheAdminToken() {
        http.get().uri("/audit/events?tenant=t1").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.type").isEqualTo("authentication_error");
    }

    private WebTestClient.ResponseSpec admin(String uri) {
        return http.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange();
    }
}
