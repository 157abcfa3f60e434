package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import dev.fleet.test.FleetTestEnvironment;

/**
 * A signed-in console user for WebTestClient tests: keeps the session cookie, reads each page's CSRF field
 * and posts forms as a browser would (without JavaScript).
 */
public final class ConsoleClient {

    static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final WebTestClient web;
    private final String session;
    private String csrf;

    private ConsoleClient(WebTestClient web, String session, String csrf) {
        this.web = web;
        this.session = session;
        this.csrf = csrf;
    }

    /** Signs in as {@code name} with the test admin token. */
    public static ConsoleClient signIn(WebTestClient web, String name) {
        EntityExchangeResult<String> login = web.get().uri("/console/login").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult();
        List<ResponseCookie> cookies = login.getResponseCookies().get(ConsoleSecurityConfiguration.COOKIE);
        assertThat(cookies).as("the login form's session").isNotEmpty();
        EntityExchangeResult<Void> signedIn = web.post().uri("/console/login")
                .cookie(ConsoleSecurityConfiguration.COOKIE, cookies.get(0).getValue())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("token", FleetTestEnvironment.ADMIN_TOKEN).with("name", name)
                        .with("_csrf", csrfOf(login.getResponseBody())))
                .exchange()
                .expectStatus().isFound()
                .expectBody(Void.class).returnResult();
        assertThat(signedIn.getResponseHeaders().getLocation()).hasToString("/console");
        String session = signedIn.getResponseCookies().getFirst(ConsoleSecurityConfiguration.COOKIE).getValue();
        return new ConsoleClient(web, session, null);
    }

    public String session() {
        return session;
    }

    /** GETs a page that must answer 200 and returns its HTML (remembering its CSRF field for the next post). */
    public String page(String path) {
        String html = web.get().uri(path).cookie(ConsoleSecurityConfiguration.COOKIE, session).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        Matcher m = CSRF.matcher(html);
        if (m.find()) {
            csrf = m.group(1);
        }
        return html;
    }

    /**
     * GETs anything and returns the exchange for the caller's own expectations, which must read the body
     * ({@code expectBody…}): a response left unread stays active, and closing the test's context then waits the
     * server's whole graceful-shutdown timeout (30 s) for it.
     */
    public WebTestClient.ResponseSpec get(String path) {
        return web.get().uri(path).cookie(ConsoleSecurityConfiguration.COOKIE, session).exchange();
    }

    /**
     * Posts a form (with the CSRF field of the last page read) and returns where it redirects to; a form post
     * that does not redirect fails the test.
     */
    public String post(String path, Map<String, String> fields) {
        if (csrf == null) {
            page("/console/fleet");
        }
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        fields.forEach(form::add);
        form.add("_csrf", csrf);
        EntityExchangeResult<Void> result = web.post().uri(path).cookie(ConsoleSecurityConfiguration.COOKIE, session)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange()
                .expectStatus().is3xxRedirection()
                .expectBody(Void.class).returnResult();
        return result.getResponseHeaders().getLocation().toString();
    }

    /** Posts a form and returns the whole response, for posts that answer with a page (e.g. 400 with errors). */
    public WebTestClient.ResponseSpec postForResponse(String path, Map<String, String> fields) {
        if (csrf == null) {
            page("/console/fleet");
        }
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        fields.forEach(form::add);
        form.add("_csrf", csrf);
        return web.post().uri(path).cookie(ConsoleSecurityConfiguration.COOKIE, session)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a _csrf field in the page").isTrue();
        return m.group(1);
    }
}
