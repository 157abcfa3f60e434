package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.DefaultUriBuilderFactory;

import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.TenantCreated;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.orchestrator.domain.KeySummary;
import dev.fleet.orchestrator.domain.LimitOverrides;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.TenantStore;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.ApiKeyHash;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.TopicReader;

/**
 * The tenant pages against the running orchestrator, Kafka and PostgreSQL, posted as a browser without
 * JavaScript would: create and find tenants, change plan and limits, suspend and resume, issue a key (shown
 * once, in the post's answer only) and revoke it; invalid input answers 400 with its message and changes nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "fleet.console.services=")
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class TenantPagesIntegrationTest {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    private static final Pattern ISSUED = Pattern.compile("<code id=\"issued-key\">([^<]+)</code>");
    private static final Pattern NEXT = Pattern.compile("<a rel=\"next\" href=\"([^\"]+)\">Next page</a>");

    @Autowired
    private WebTestClient web;

    @Autowired
    private TenantAdmin admin;

    @Autowired
    private TenantStore store;

    @LocalServerPort
    private int port;

    private ConsoleClient console;
    private String tag;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @BeforeEach
    void signIn() {
        // the redirects' locations are encoded already: sent as they are (the default would encode '%' again)
        DefaultUriBuilderFactory verbatim = new DefaultUriBuilderFactory("http://127.0.0.1:" + port);
        verbatim.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.NONE);
        console = ConsoleClient.signIn(web.mutate().uriBuilderFactory(verbatim).build(), "Ada");
        // the database outlives the test run: names unique to this run
        tag = "ct" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    }

    @Test
    void createsATenantThenFindsItBySearchAndPagesThroughTheRest() {
        assertThat(console.page("/console/tenants")).contains("Create a tenant");

        String location;
        UUID id;
        try (TopicReader<String, SpecificRecord> events = TopicReader.decodedSkippingUnreadable(FleetTopics.DOMAIN_EVENTS.name(),
                SERDE.deserializer())) {
            location = console.post("/console/tenants", Map.of("name", tag + "-acme", "plan", "pro"));
            assertThat(location).startsWith("/console/tenants/").contains("?done=");
            id = idOf(location);
            // the change is the signed-in person's, not the shared token's
            String tenantId = id.toString();
            ConsumerRecord<String, SpecificRecord> created = events.awaitRecord(r -> r.value() instanceof DomainEvent e
                    && e.getPayload() instanceof TenantCreated && tenantId.equals(e.getTenantId()), Duration.ofSeconds(30));
            assertThat(((DomainEvent) created.value()).getActor()).isEqualTo("Ada");
        }
        Tenant created = admin.tenant(id).block();
        assertThat(created.name()).isEqualTo(tag + "-acme");
        assertThat(created.plan()).isEqualTo(TenantPlan.PRO);
        assertThat(console.page(location)).contains("Tenant " + tag + "-acme created.").contains(id.toString());

        console.post("/console/tenants", Map.of("name", tag + "-globex", "plan", "free"));
        console.post("/console/tenants", Map.of("name", tag + "-initech", "plan", "enterprise"));

        String found = console.page("/console/tenants?q=" + tag.toUpperCase() + "-ACME");
        assertThat(found).contains(tag + "-acme").contains(id.toString()).contains(">pro<").contains(">active<")
                .doesNotContain(tag + "-globex");
        assertThat(console.page("/console/tenants?q=" + id)).contains(tag + "-acme").doesNotContain(tag + "-globex");
        assertThat(console.page("/console/tenants?q=" + tag + "-nobody")).contains("No tenant matches.");

        // newest first, two a page
        String first = console.page("/console/tenants?q=" + tag + "&limit=2");
        assertThat(first).contains(tag + "-initech").contains(tag + "-globex").doesNotContain(tag + "-acme");
        Matcher next = NEXT.matcher(first);
        assertThat(next.find()).as("a Next page link").isTrue();
        String second = console.page(next.group(1).replace("&amp;", "&"));
        assertThat(second).contains(tag + "-acme").doesNotContain(tag + "-globex").doesNotContain("Next page")
                .contains("First page");
    }

    @Test
    void changesThePlanAndSetsLimits() {
        UUID id = admin.createTenant(tag + "-plans", TenantPlan.FREE).block().id();
        String path = "/console/tenants/" + id;
        assertThat(console.page(path)).contains("Requests per minute").contains(">60<");

        assertThat(console.post(path + "/plan", Map.of("plan", "enterprise"))).startsWith(path + "?done=");
        assertThat(admin.tenant(id).block().plan()).isEqualTo(TenantPlan.ENTERPRISE);
        assertThat(console.page(path + "?done=x")).contains("<dd>enterprise</dd>").contains(">6,000<");

        String done = console.post(path + "/limits", Map.of("rpm", "77", "tpm", "", "monthly_tokens", "0"));
        assertThat(done).startsWith(path + "?done=");
        Tenant limited = admin.tenant(id).block();
        assertThat(limited.limits()).isEqualTo(new LimitOverrides(77, null, 0L));
        assertThat(limited.requestsPerMinute()).isEqualTo(77);
        assertThat(limited.tokensPerMinute()).isEqualTo(TenantPlan.ENTERPRISE.tokensPerMinute());
        String page = console.page(done);
        assertThat(page).contains("Limits saved.").contains("value=\"77\"").contains(">no limit<")
                .contains("Knowledge items stored").contains(">5,000,000<");

        // the knowledge item limits are set in the same form; one left blank is the plan's
        console.post(path + "/limits", Map.of("rpm", "77", "monthly_tokens", "0", "max_items", "1234"));
        assertThat(admin.tenant(id).block().maxItems()).isEqualTo(1234L);
        assertThat(admin.tenant(id).block().maxItemBytes()).isEqualTo(TenantPlan.ENTERPRISE.maxItemBytes());
    }

    @Test
    void issuesAKeyShownOnceAndRevokesIt(CapturedOutput output) {
        UUID id = admin.createTenant(tag + "-keys", TenantPlan.PRO).block().id();
        String path = "/console/tenants/" + id;
        console.page(path);

        EntityExchangeResult<String> issued = console.postForResponse(path + "/keys", Map.of())
                .expectStatus().isOk()
                .expectHeader().value(HttpHeaders.CACHE_CONTROL, cache -> assertThat(cache).contains("no-store"))
                .expectHeader().doesNotExist(HttpHeaders.LOCATION)
                .expectBody(String.class).returnResult();
        String html = issued.getResponseBody();
        Matcher shown = ISSUED.matcher(html);
        assertThat(shown.find()).as("the key in <code id=issued-key>").isTrue();
        String secret = shown.group(1);
        assertThat(html).contains("It will not be shown again").contains("data-copy=\"issued-key\"");

        List<KeySummary> keys = admin.keys(id).block();
        assertThat(keys).hasSize(1);
        KeySummary key = keys.get(0);
        assertThat(key.status()).isEqualTo(ApiKeyStatus.ACTIVE);
        assertThat(secret).startsWith(key.prefix());
        assertThat(store.findKey(key.id()).block().sha256()).as("what the gateways compare")
                .isEqualTo(ApiKeyHash.sha256Hex(secret));

        String tenantPage = console.page(path);
        assertThat(tenantPage).contains(key.prefix() + "…").doesNotContain(secret).doesNotContain("issued-key");

        String revoked = console.post(path + "/keys/" + key.id() + "/revoke", Map.of());
        assertThat(revoked).startsWith(path + "?done=");
        assertThat(admin.keys(id).block().get(0).status()).isEqualTo(ApiKeyStatus.REVOKED);
        assertThat(console.page(revoked)).contains("Key " + key.prefix() + "… revoked.").contains(">revoked<")
                .doesNotContain("Revoke key " + key.prefix());

        assertThat(output.getAll()).as("the key in no log").doesNotContain(secret);
    }

    @Test
    void suspendsAndResumesTheTenant() {
        UUID id = admin.createTenant(tag + "-pause", TenantPlan.PRO).block().id();
        String path = "/console/tenants/" + id;
        assertThat(console.page(path)).contains("Suspend tenant").doesNotContain("Resume tenant");

        String suspended = console.post(path + "/suspend", Map.of());
        assertThat(admin.tenant(id).block().status()).isEqualTo(TenantStatus.SUSPENDED);
        assertThat(console.page(suspended)).contains("Tenant suspended").contains(">suspended<")
                .contains("Resume tenant").doesNotContain("Suspend tenant");
        assertThat(console.page("/console/tenants?q=" + id)).contains(">suspended<");

        String resumed = console.post(path + "/resume", Map.of());
        assertThat(admin.tenant(id).block().status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(console.page(resumed)).contains("Tenant resumed").contains(">active<");
    }

    @Test
    void invalidInputIsRefusedWithItsMessageAndChangesNothing() {
        console.page("/console/tenants");
        assertThat(body(console.postForResponse("/console/tenants", Map.of("name", "  ", "plan", "free"))))
                .contains("id=\"name-error\">Give the tenant a name.<").contains("aria-invalid=\"true\"");
        assertThat(body(console.postForResponse("/console/tenants", Map.of("name", tag + "-gold", "plan", "gold"))))
                .contains("id=\"plan-error\">Choose a plan: free, pro or enterprise.<")
                .contains("value=\"" + tag + "-gold\"");
        assertThat(console.page("/console/tenants?q=" + tag + "-gold")).contains("No tenant matches.");

        UUID id = admin.createTenant(tag + "-strict", TenantPlan.PRO).block().id();
        admin.setLimits(id, new LimitOverrides(5, null, null)).block();
        String path = "/console/tenants/" + id;
        assertThat(body(console.postForResponse(path + "/limits",
                Map.of("rpm", "-1", "tpm", "ten", "monthly_tokens", "3"))))
                .contains("id=\"rpm-error\">A limit is 0 (no limit) or more.<")
                .contains("id=\"tpm-error\">Enter a whole number")
                .contains("value=\"-1\"");
        assertThat(body(console.postForResponse(path + "/plan", Map.of("plan", "platinum"))))
                .contains("id=\"plan-error\">Choose a plan");
        Tenant unchanged = admin.tenant(id).block();
        assertThat(unchanged.limits()).isEqualTo(new LimitOverrides(5, null, null));
        assertThat(unchanged.plan()).isEqualTo(TenantPlan.PRO);

        console.get("/console/tenants/" + UUID.randomUUID()).expectStatus().isNotFound()
                .expectBody(String.class).value(html -> assertThat(html).contains("No tenant with id")
                        .contains("Signed in as <strong>Ada</strong>"));
        console.get("/console/tenants?after=nonsense").expectStatus().isBadRequest().expectBody().returnResult();
    }

    private static String body(WebTestClient.ResponseSpec response) {
        return response.expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
    }

    private static UUID idOf(String location) {
        String path = location.substring(0, location.indexOf('?'));
        return UUID.fromString(path.substring(path.lastIndexOf('/') + 1));
    }
}
