package dev.fleet.orchestrator.console;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;

import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * Sign-in at {@code POST /console/login}: form fields {@code token} (the admin token, compared in constant
 * time) and {@code name} (who is signing in: the actor recorded on every change made in the session, and
 * the reviewer four-eyes approvals count). A wrong token is counted against the caller's address
 * ({@link SignInThrottle}) and published as a refusal ({@link SignInRefusals}); an address that must wait is
 * refused even with the right token. With no admin token configured the console, like the admin API, is closed.
 */
public final class ConsoleSignIn {

    static final int MAX_NAME = 64;

    private final byte[] token;
    private final SignInThrottle throttle;
    private final SignInRefusals refusals;

    public ConsoleSignIn(String adminToken, SignInThrottle throttle, SignInRefusals refusals) {
        this.token = adminToken == null ? new byte[0] : adminToken.getBytes(StandardCharsets.UTF_8);
        this.throttle = throttle;
        this.refusals = refusals;
    }

    AuthenticationWebFilter filter() {
        AuthenticationWebFilter filter = new AuthenticationWebFilter(authenticationManager());
        filter.setRequiresAuthenticationMatcher(
                ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, ConsoleSecurityConfiguration.LOGIN));
        filter.setServerAuthenticationConverter(ConsoleSignIn::attempt);
        filter.setSecurityContextRepository(new WebSessionServerSecurityContextRepository());
        RedirectServerAuthenticationSuccessHandler home = new RedirectServerAuthenticationSuccessHandler("/console");
        filter.setAuthenticationSuccessHandler((exchange, authentication) -> {
            throttle.succeeded(((Attempt) authentication.getDetails()).address());
            return home.onAuthenticationSuccess(exchange, authentication);
        });
        filter.setAuthenticationFailureHandler(this::refused);
        return filter;
    }

    private ReactiveAuthenticationManager authenticationManager() {
        return authentication -> Mono.fromCallable(() -> {
            Attempt attempt = (Attempt) authentication.getDetails();
            if (token.length == 0) {
                throw new DisabledException("the console is disabled: set FLEET_ADMIN_TOKEN");
            }
            Duration wait = throttle.waitFor(attempt.address()).orElse(null);
            if (wait != null) {
                throw new Throttled(attempt, wait);
            }
            if (!MessageDigest.isEqual(attempt.token().getBytes(StandardCharsets.UTF_8), token)) {
                throw new WrongToken(attempt);
            }
            return new SignedIn(attempt);
        });
    }

    private Mono<Void> refused(WebFilterExchange exchange, AuthenticationException e) {
        String location;
        if (e instanceof DisabledException) {
            location = "?disabled";
        } else {
            Attempt attempt = e instanceof Throttled t ? t.attempt : ((WrongToken) e).attempt;
            int failures = throttle.failed(attempt.address());
            long seconds = throttle.waitFor(attempt.address()).map(d -> Math.max(1, d.toSeconds())).orElse(0L);
            location = seconds > 0 ? "?wait=" + seconds : "?error";
            return refusals.refused(attempt.address(), failures)
                    .onErrorResume(x -> Mono.empty()) // a refusal not audited must not open the door
                    .then(redirect(exchange, location));
        }
        return redirect(exchange, location);
    }

    private static Mono<Void> redirect(WebFilterExchange exchange, String query) {
        return new DefaultServerRedirectStrategy().sendRedirect(exchange.getExchange(),
                URI.create(ConsoleSecurityConfiguration.LOGIN + query));
    }

    private static Mono<Authentication> attempt(ServerWebExchange exchange) {
        return exchange.getFormData().map(form -> {
            String name = form.getFirst("name") == null ? "" : form.getFirst("name").strip();
            if (name.isEmpty()) {
                name = "admin";
            }
            if (name.length() > MAX_NAME) {
                name = name.substring(0, MAX_NAME);
            }
            String presented = form.getFirst("token") == null ? "" : form.getFirst("token");
            return new Unauthenticated(new Attempt(address(exchange), name, presented));
        });
    }

    static String address(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
    }

    /** What a sign-in form carried, and from where. The token is never part of its string form. */
    record Attempt(String address, String name, String token) {
        @Override
        public String toString() {
            return "Attempt[address=" + address + ", name=" + name + "]";
        }
    }

    private static final class Unauthenticated extends AbstractAuthenticationToken {
        private final Attempt attempt;

        Unauthenticated(Attempt attempt) {
            super(List.of());
            this.attempt = attempt;
            setDetails(attempt);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return attempt.name();
        }
    }

    /** A signed-in console user: the name is the principal; the token is not kept. */
    static final class SignedIn extends AbstractAuthenticationToken {
        private final String name;

        SignedIn(Attempt attempt) {
            super(List.of(new SimpleGrantedAuthority("ROLE_ADMIN")));
            this.name = attempt.name();
            setDetails(new Attempt(attempt.address(), attempt.name(), ""));
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return name;
        }
    }

    private static final class WrongToken extends BadCredentialsException {
        final transient Attempt attempt;

        WrongToken(Attempt attempt) {
            super("wrong admin token");
            this.attempt = attempt;
        }
    }

    private static final class Throttled extends BadCredentialsException {
        final transient Attempt attempt;

        Throttled(Attempt attempt, Duration wait) {
            super("too many wrong tokens; wait " + wait.toSeconds() + " s");
            this.attempt = attempt;
        }
    }
}
