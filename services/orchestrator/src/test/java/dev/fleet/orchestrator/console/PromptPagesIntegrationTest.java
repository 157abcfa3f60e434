package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.HtmlUtils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.Prompt;
import dev.fleet.events.v1.PromptLabelMoved;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.prompts.PromptAdmin;
import dev.fleet.orchestrator.domain.prompts.PromptConfig;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.TopicReader;

/**
 * The console's prompt pages against the running orchestrator: prompts and versions created through the forms,
 * the side-by-side diff, a label moved only after its confirmation page (and then published like the JSON API's
 * moves), and the playground: rendering with variables, a missing variable shown, and a chat sent through "the
 * gateway" (an HTTP server in this test) with the tenant's key, the pinned prompt and its variables, its answer
 * and its errors shown, the key never echoed nor logged.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "fleet.console.services=")
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class PromptPagesIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final PlaygroundGatewayStub GATEWAY = PlaygroundGatewayStub.start();

    @Autowired
    private WebTestClient web;

    @Autowired
    private TenantAdmin tenants;

    @Autowired
    private PromptAdmin prompts;

    @Autowired
    private ObjectMapper json;

    private ConsoleClient console;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        registry.add("fleet.console.playground.gateway-url", GATEWAY::url);
        registry.add("fleet.console.playground.timeout", () -> "10s");
    }

    @BeforeEach
    void signIn() {
        console = ConsoleClient.signIn(web, "Ada");
        GATEWAY.requests.clear();
    }

    @AfterAll
    static void stopGateway() {
        GATEWAY.close();
    }

    @Test
    void createsPromptsAndVersionsThroughTheFormsAndShowsASideBySideDiff() {
        // given
        Tenant tenant = tenant("Prompt pages");
        String base = "/console/tenants/" + tenant.id() + "/prompts";
        assertThat(console.page(base)).contains("Prompts of Prompt pages").contains("no prompt yet");

        // when a prompt is created, then given a second version
        String created = console.post(base, Map.of("name", "support",
                "template", "You are a {{tone}} assistant.\r\nBe brief.\r\nSign as Fleet.", "labels", "production"));
        String next = console.post(base + "/support/versions", Map.of(
                "template", "You are a {{tone}} assistant.\nAnswer in {{language}}.\nSign as Fleet.", "labels", ""));

        // then
        assertThat(created).startsWith(base + "/support?done=");
        assertThat(follow(created)).contains(HtmlUtils.htmlEscape("Version 1 of 'support' saved; production "
                + "now points to it."));
        assertThat(follow(next)).contains(HtmlUtils.htmlEscape("Version 2 of 'support' saved."));
        PromptConfig prompt = prompts.prompt(tenant.id(), "support").block(WAIT);
        assertThat(prompt.versions()).hasSize(2);
        assertThat(prompt.version(1).orElseThrow().template()).isEqualTo("You are a {{tone}} assistant.\nBe brief."
                + "\nSign as Fleet.");
        assertThat(prompt.labels()).containsExactly(Map.entry("production", 1));
        assertThat(prompts.names(tenant.id()).collectList().block(WAIT)).containsExactly("support");
        String list = console.page(base);
        assertThat(list).contains(">support</a>").contains("production → v1").doesNotContain("no prompt yet");
        String page = console.page(base + "/support");
        assertThat(page).contains("Answer in {{language}}.").contains("Be brief.").contains("/support/diff\"")
                .contains("<option value=\"2\" selected=\"selected\">2</option>")
                .contains("/support/playground?selection=version:2\">Try version 2</a>");

        // when the two versions are compared
        String diff = console.page(base + "/support/diff?from=1&to=2");

        // then removed and added lines sit side by side, marked in text
        assertThat(diff).contains("class=\"diff\"")
                .containsPattern("class=\"removed\"><span class=\"marker\">−</span><span class=\"line-no\">2</span>"
                        + "<span>Be brief.</span>")
                .containsPattern("class=\"added\"><span class=\"marker\">\\+</span><span class=\"line-no\">2</span>"
                        + "<span>Answer in \\{\\{language\\}\\}.</span>")
                .contains("<span>Sign as Fleet.</span>");
        console.get(base + "/support/diff?from=1&to=9").expectStatus().isNotFound().expectBody().returnResult();
        console.get(base + "/nope").expectStatus().isNotFound().expectBody().returnResult();
    }

    @Test
    void refusesABrokenTemplateOrNameAndKeepsWhatWasTyped() {
        Tenant tenant = tenant("Prompt form errors");
        String base = "/console/tenants/" + tenant.id() + "/prompts";
        console.page(base);

        String broken = console.postForResponse(base, Map.of("name", "support", "template", "Hi {{#open}}",
                "labels", "")).expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        String badName = console.postForResponse(base, Map.of("name", "no spaces", "template", "Hi", "labels", ""))
                .expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();

        assertThat(broken).contains("not valid Mustache").contains("Hi {{#open}}");
        assertThat(badName).contains("A prompt&#39;s name is");
        assertThat(prompts.names(tenant.id()).collectList().block(WAIT)).isEmpty();
    }

    @Test
    void movesALabelOnlyAfterItsConfirmationAndPublishesTheMove() {
        // given production on version 1 of 2
        Tenant tenant = tenant("Label moves");
        String base = "/console/tenants/" + tenant.id() + "/prompts";
        console.page(base);
        console.post(base, Map.of("name", "support", "template", "Be kind.", "labels", "production"));
        console.post(base + "/support/versions", Map.of("template", "Be kind and brief.", "labels", "staging"));

        try (TopicReader<String, SpecificRecord> events = TopicReader.decodedSkippingUnreadable(FleetTopics.DOMAIN_EVENTS.name(),
                SERDE.deserializer());
                TopicReader<String, SpecificRecord> records = TopicReader.decoded(FleetTopics.PROMPTS.name(),
                        SERDE.deserializer())) {
            // when the move is reviewed
            String confirm = console.page(base + "/support/labels/confirm?label=production&version=2");

            // then the page shows where the label points now and after, with the diff, and nothing moved yet
            assertThat(confirm).contains("points to version 1").contains("points to version 2")
                    .contains("class=\"removed\"").contains("<span>Be kind.</span>")
                    .contains("class=\"added\"").contains("<span>Be kind and brief.</span>")
                    .contains("Move production to version 2");
            assertThat(prompts.prompt(tenant.id(), "support").block(WAIT).labels()).containsEntry("production", 1);

            // when confirmed
            String done = console.post(base + "/support/labels", Map.of("label", "production", "version", "2"));

            // then
            assertThat(done).startsWith(base + "/support?done=");
            assertThat(follow(done)).contains(HtmlUtils.htmlEscape(
                    "Label 'production' now points to version 2 (was version 1)."));
            assertThat(prompts.prompt(tenant.id(), "support").block(WAIT).labels())
                    .containsEntry("production", 2).containsEntry("staging", 2);
            ConsumerRecord<String, SpecificRecord> moved = events.awaitRecord(r -> r.value() instanceof DomainEvent e
                    && e.getTenantId().equals(tenant.id().toString())
                    && e.getPayload() instanceof PromptLabelMoved, WAIT);
            DomainEvent event = (DomainEvent) moved.value();
            assertThat(event.getPayload()).isEqualTo(new PromptLabelMoved("support", "production", 2, 1));
            assertThat(event.getActor()).isEqualTo("Ada");
            ConsumerRecord<String, SpecificRecord> state = records.awaitRecord(r -> r.key().equals(
                    tenant.id() + "/support") && r.value() instanceof Prompt p
                    && Integer.valueOf(2).equals(p.getLabels().get("production")), WAIT);
            assertThat(((Prompt) state.value()).getVersions()).hasSize(2);
        }

        // and a label already there has nothing to confirm
        assertThat(console.page(base + "/support/labels/confirm?label=production&version=2"))
                .contains("already points to version 2").doesNotContain("Move production to version 2");
    }

    @Test
    void rendersAVersionWithItsVariablesAndShowsAMissingOne() {
        Tenant tenant = tenant("Playground renders");
        String base = "/console/tenants/" + tenant.id() + "/prompts";
        console.page(base);
        console.post(base, Map.of("name", "support", "template", "You are a {{tone}} assistant for {{company}}.",
                "labels", "production"));
        console.post(base + "/support/versions", Map.of("template", "Be {{tone}}.", "labels", ""));
        String playground = base + "/support/playground";

        // when the playground opens, it shows production's version and its variables
        String page = console.page(playground);
        assertThat(page).contains("Label production points to version 1 now.")
                .contains("Variable company").contains("Variable tone").contains("name=\"var_tone\"")
                .contains("type=\"password\"");

        // when rendered with both variables
        String rendered = console.postForResponse(playground, Map.of("selection", "label:production",
                "var_tone", "calm", "var_company", "Smith & Sons", "action", "render"))
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(rendered).contains(HtmlUtils.htmlEscape("You are a calm assistant for Smith & Sons."));

        // when version 2 is chosen
        assertThat(console.page(playground + "?selection=version:2")).contains("Version 2.")
                .contains("Variable tone").doesNotContain("Variable company");

        // when a variable is left empty
        String missing = console.postForResponse(playground, Map.of("selection", "label:production",
                "var_tone", "calm", "var_company", "", "action", "render"))
                .expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        assertThat(missing).contains(HtmlUtils.htmlEscape("the prompt needs the variable 'company'"))
                .doesNotContain("id=\"rendered\"");
        assertThat(GATEWAY.requests).isEmpty();
    }

    @Test
    void sendsTheRenderedVersionThroughTheGatewayAsTheTenantAndShowsItsAnswerOrProblem(CapturedOutput output)
            throws Exception {
        // given a prompt with production on version 1 of 2, and a key of the tenant
        Tenant tenant = tenant("Playground sends");
        String key = tenants.issueKey(tenant.id()).block(WAIT).secret();
        String base = "/console/tenants/" + tenant.id() + "/prompts";
        console.page(base);
        console.post(base, Map.of("name", "support", "template", "You are a {{tone}} assistant.", "labels",
                "production"));
        console.post(base + "/support/versions", Map.of("template", "You are a {{tone}}, brief assistant.",
                "labels", ""));
        String playground = base + "/support/playground";
        console.page(playground);
        GATEWAY.next(200, """
                {"id":"chatcmpl-1","object":"chat.completion","model":"sim-model","choices":[{"index":0,
                 "message":{"role":"assistant","content":"Gladly: the answer is 42."},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":21,"completion_tokens":7,"total_tokens":28}}""");

        // when sent
        String answered = console.postForResponse(playground, Map.of("selection", "label:production",
                "var_tone", "calm", "message", "What is the answer?", "model", "sim-model", "api_key", key,
                "action", "send")).expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        // then the gateway got the tenant's key and the pinned prompt with its variables
        assertThat(GATEWAY.requests).hasSize(1);
        PlaygroundGatewayStub.Received request = GATEWAY.requests.get(0);
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.authorization()).isEqualTo("Bearer " + key);
        JsonNode body = json.readTree(request.body());
        assertThat(body.path("model").asText()).isEqualTo("sim-model");
        assertThat(body.path("stream").asBoolean()).isFalse();
        assertThat(body.path("messages").path(0).path("content").asText()).isEqualTo("What is the answer?");
        assertThat(json.convertValue(body.path("metadata"), Map.class)).isEqualTo(Map.of("prompt", "support",
                "prompt_version", "1", "var_tone", "calm"));
        // and the page shows the render, the answer, its model and usage, never the key
        assertThat(answered).contains("You are a calm assistant.").contains("Gladly: the answer is 42.")
                .contains("sim-model").contains("21 prompt + 7 completion = 28")
                .contains("prompt_version").doesNotContain(key);

        // when the gateway refuses the key
        GATEWAY.next(401, """
                {"error":{"message":"Invalid API key.","type":"authentication_error","code":"invalid_api_key"}}""");
        String refused = console.postForResponse(playground, Map.of("selection", "version:2", "var_tone", "calm",
                "message", "Hi", "model", "sim-model", "api_key", key, "action", "send"))
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        // then it is a readable problem
        assertThat(refused).contains("The API key was not accepted (401)").contains("Invalid API key.")
                .contains("invalid_api_key").contains("You are a calm, brief assistant.").doesNotContain(key);
        assertThat(json.readTree(GATEWAY.requests.get(1).body()).path("metadata").path("prompt_version").asText())
                .isEqualTo("2");

        // when the key is another tenant's, nothing is sent
        String otherKey = tenants.issueKey(tenant("Someone else").id()).block(WAIT).secret();
        String foreign = console.postForResponse(playground, Map.of("selection", "version:2", "var_tone", "calm",
                "message", "Hi", "model", "sim-model", "api_key", otherKey, "action", "send"))
                .expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        assertThat(foreign).contains(HtmlUtils.htmlEscape("That is not one of " + tenant.name() + "'s active API keys"))
                .doesNotContain(otherKey);
        assertThat(GATEWAY.requests).hasSize(2);
        assertThat(output.getAll()).doesNotContain(key).doesNotContain(otherKey);
    }

    /**
     * Follows a redirect: its location is already encoded, and ConsoleClient takes a URI template (which it
     * encodes again), so the location is decoded first.
     */
    private String follow(String location) {
        return console.page(URLDecoder.decode(location, StandardCharsets.UTF_8));
    }

    private Tenant tenant(String name) {
        return tenants.createTenant(name + " " + UUID.randomUUID().toString().substring(0, 8), TenantPlan.FREE)
                .block(WAIT);
    }
}
