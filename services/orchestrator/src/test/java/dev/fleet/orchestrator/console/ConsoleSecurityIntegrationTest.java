package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionManager;

import com.sun.net.httpserver.HttpServer;

import dev.fleet.events.v1.ConsoleSignInRefused;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.TopicReader;

/**
 * The console's sign-in, session and CSRF against the running orchestrator: pages need a session, the
 * session cookie is HttpOnly, SameSite=Strict and scoped to /console, every form needs its CSRF field, a
 * wrong token is throttled (two allowed here), sign-out and the idle timeout end the session, and the JSON
 * admin API keeps its bearer guard with no session or CSRF of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fleet.console.sign-in-failures=2", "fleet.console.sign-in-lockout=10m", "fleet.console.idle-timeout=10m"})
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleSecurityIntegrationTest {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @Autowired
    private WebTestClient web;

    @Autowired
    private WebSessionManager sessions;

    /** A replica that answers its readiness probe UP, for the Fleet page. */
    private static HttpServer ready;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        ready = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ready.createContext("/actuator/health/readiness", exchange -> {
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        ready.start();
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        registry.add("fleet.console.services", () -> "gateway=http://127.0.0.1:" + ready.getAddress().getPort()
                + ",scorer=http://127.0.0.1:" + closed);
    }

    @AfterAll
    static void stopReplica() {
        ready.stop(0);
    }

    @Test
    @Order(6)
    void theFleetPageShowsEachReplicasReadinessAndTheConsumerGroupsWithTheirMembers() {
        ConsoleClient ada = ConsoleClient.signIn(web, "Ada");
        String html = ada.page("/console/fleet");
        assertThat(html).containsPattern("(?s)<td>gateway</td>.*?>UP</span>");
        assertThat(html).containsPattern("(?s)<td>scorer</td>.*?>UNREACHABLE</span>");
        // the orchestrator's own chat consumers are a group with a member on the chat requests (once it joined)
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(ada.page("/console/fleet")).containsPattern(
                        "(?s)<th scope=\"row\">orchestrator</th>.*?fleet\\.chat\\.requests\\.v1"));
    }

    @Test
    @Order(1)
    void pagesNeedASignInAndTheSessionCookieIsHttpOnlyStrictAndScopedToTheConsole() {
        web.get().uri("/console/tenants").exchange()
                .expectStatus().isFound()
                .expectHeader().valueEquals(HttpHeaders.LOCATION, "/console/login");

        Form login = loginForm();
        assertThat(login.cookie.isHttpOnly()).isTrue();
        assertThat(login.cookie.getSameSite()).isEqualTo("Strict");
        assertThat(login.cookie.getPath()).isEqualTo("/console");
        assertThat(login.cookie.isSecure()).as("plain http here; Secure follows the request's scheme").isFalse();

        String session = signIn(login, FleetTestEnvironment.ADMIN_TOKEN);
        assertThat(session).as("a new session id after sign-in (no fixation)").isNotEqualTo(login.cookie.getValue());
        web.get().uri("/console/fleet").cookie(ConsoleSecurityConfiguration.COOKIE, session).exchange()
                .expectStatus().isOk()
                .expectHeader().value("Content-Security-Policy", csp -> assertThat(csp).contains("script-src 'self'"))
                .expectBody(String.class).value(html -> assertThat(html)
                        .contains("Consumer groups").contains("Signed in as <strong>Ada</strong>"));
    }

    @Test
    @Order(2)
    void aFormWithoutItsCsrfFieldIsRefused() {
        Form login = loginForm();
        web.post().uri("/console/login").cookie(ConsoleSecurityConfiguration.COOKIE, login.cookie.getValue())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("token", FleetTestEnvironment.ADMIN_TOKEN).with("name", "Ada"))
                .exchange()
                .expectStatus().isForbidden();
        String session = signIn(loginForm(), FleetTestEnvironment.ADMIN_TOKEN);
        web.post().uri("/console/logout").cookie(ConsoleSecurityConfiguration.COOKIE, session).exchange()
                .expectStatus().isForbidden();
        web.get().uri("/console/fleet").cookie(ConsoleSecurityConfiguration.COOKIE, session).exchange()
                .expectStatus().isOk(); // still signed in
    }

    @Test
    @Order(3)
    void signOutEndsTheSession() {
        String session = signIn(loginForm(), FleetTestEnvironment.ADMIN_TOKEN);
        String csrf = csrfOf(web.get().uri("/console/fleet").cookie(ConsoleSecurityConfiguration.COOKIE, session)
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());

        web.post().uri("/console/logout").cookie(ConsoleSecurityConfiguration.COOKIE, session)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", csrf))
                .exchange()
                .expectStatus().isFound()
                .expectHeader().valueEquals(HttpHeaders.LOCATION, "/console/login?signed-out");
        web.get().uri("/console/fleet").cookie(ConsoleSecurityConfiguration.COOKIE, session).exchange()
                .expectStatus().isFound()
                .expectHeader().valueEquals(HttpHeaders.LOCATION, "/console/login");
    }

    @Test
    @Order(4)
    void anIdleSessionExpires() {
        String session = signIn(loginForm(), FleetTestEnvironment.ADMIN_TOKEN);
        InMemoryWebSessionStore store = (InMemoryWebSessionStore) ((DefaultWebSessionManager) sessions).getSessionStore();
        try {
            store.setClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(11)));
            web.get().uri("/console/fleet").cookie(ConsoleSecurityConfiguration.COOKIE, session).exchange()
                    .expectStatus().isFound()
                    .expectHeader().valueEquals(HttpHeaders.LOCATION, "/console/login");
        } finally {
            store.setClock(Clock.systemUTC());
        }
    }

    @Test
    @Order(5)
    void theJsonAdminApiKeepsItsBearerGuardWithoutSessionOrCsrf() {
        web.get().uri("/admin/tenants/00000000-0000-0000-0000-000000000001").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("missing_admin_token");
        web.post().uri("/admin/tenants")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"console-api-check\", \"plan\": \"free\"}")
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().doesNotExist(HttpHeaders.SET_COOKIE);
        web.get().uri("/admin/tenants/00000000-0000-0000-0000-000000000001")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().doesNotExist("Content-Security-Policy");
    }

    @Test
    @Order(8)
    void wrongTokensAreThrottledAndThenEvenTheRightOneWaits() {
        try (TopicReader<String, SpecificRecord> events = TopicReader.decodedSkippingUnreadable(FleetTopics.DOMAIN_EVENTS.name(),
                SERDE.deserializer())) {
            assertThat(signInLocation(loginForm(), "wrong-1")).isEqualTo("/console/login?error");
            assertThat(signInLocation(loginForm(), "wrong-2")).startsWith("/console/login?wait=");
            assertThat(signInLocation(loginForm(), FleetTestEnvironment.ADMIN_TOKEN))
                    .as("the right token while the address must wait").startsWith("/console/login?wait=");

            // and each refusal is audited, the third as the third in a row
            ConsumerRecord<String, SpecificRecord> third = events.awaitRecord(r -> r.value() instanceof DomainEvent e
                    && e.getPayload() instanceof ConsoleSignInRefused refused
                    && refused.getConsecutiveFailures() == 3 && "127.0.0.1".equals(refused.getRemoteAddress()),
                    Duration.ofSeconds(30));
            assertThat(((DomainEvent) third.value()).getSubject()).isEqualTo("console/sign-in");
        }
        web.get().uri("/console/login?wait=600").exchange().expectStatus().isOk()
                .expectBody(String.class).value(html -> assertThat(html).contains("try again in 600 seconds"));
    }

    private record Form(ResponseCookie cookie, String csrf) {
    }

    private Form loginForm() {
        EntityExchangeResult<String> page = web.get().uri("/console/login").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult();
        List<ResponseCookie> cookies = page.getResponseCookies().get(ConsoleSecurityConfiguration.COOKIE);
        assertThat(cookies).as("the login form's session (it holds the CSRF token)").isNotEmpty();
        return new Form(cookies.get(0), csrfOf(page.getResponseBody()));
    }

    private String signIn(Form form, String token) {
        EntityExchangeResult<Void> result = post(form, token);
        assertThat(result.getResponseHeaders().getLocation()).hasToString("/console");
        return result.getResponseCookies().getFirst(ConsoleSecurityConfiguration.COOKIE).getValue();
    }

    private String signInLocation(Form form, String token) {
        return post(form, token).getResponseHeaders().getLocation().toString();
    }

    private EntityExchangeResult<Void> post(Form form, String token) {
        return web.post().uri("/console/login").cookie(ConsoleSecurityConfiguration.COOKIE, form.cookie.getValue())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("token", token).with("name", "Ada").with("_csrf", form.csrf))
                .exchange()
                .expectStatus().isFound()
                .expectBody(Void.class).returnResult();
    }

    private static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a _csrf field in the page").isTrue();
        return m.group(1);
    }
}
