package dev.fleet.orchestrator.console;

import java.net.URI;
import java.security.Principal;
import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.logout.DelegatingServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;
import org.springframework.security.web.server.authentication.logout.SecurityContextServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionManager;

import dev.fleet.orchestrator.domain.Actors;
import dev.fleet.platform.web.AdminProperties;

import reactor.core.publisher.Mono;

/**
 * Two security chains (decision record 0044). {@code /console/**}: a sign-in with the admin token, then a
 * session cookie ({@code HttpOnly}, {@code SameSite=Strict}, {@code Secure} when the request came over
 * TLS, path {@code /console}), CSRF on every form, sign-out, an idle timeout, throttled and audited wrong
 * tokens, and a strict Content-Security-Policy. Everything else: Spring Security stays out of the way —
 * no session, no CSRF, no headers — so the JSON admin API keeps its bearer-token guard
 * ({@code AdminTokenWebFilter}) exactly as before, and the OpenAI-shaped API is untouched.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE) // tests without a server have no admin guard
@EnableWebFluxSecurity
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleSecurityConfiguration {

    static final String COOKIE = "FLEET_CONSOLE";
    static final String LOGIN = "/console/login";

    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    @Bean
    SignInThrottle signInThrottle(ConsoleProperties properties, Clock clock) {
        return new SignInThrottle(properties.signInFailures(), properties.signInLockout(),
                properties.signInLockoutMax(), clock);
    }

    @Bean
    ConsoleSignIn consoleSignIn(AdminProperties admin, SignInThrottle throttle, SignInRefusals refusals) {
        return new ConsoleSignIn(admin.token(), throttle, refusals);
    }

    @Bean
    @Order(1)
    SecurityWebFilterChain consoleChain(ServerHttpSecurity http, ConsoleSignIn signIn) {
        return http
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers("/console", "/console/**"))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.GET, LOGIN, "/console/assets/**").permitAll()
                        .anyExchange().authenticated())
                .securityContextRepository(new WebSessionServerSecurityContextRepository())
                .addFilterAt(signIn.filter(), SecurityWebFiltersOrder.FORM_LOGIN)
                .addFilterAfter(ConsoleModel::resolveCsrf, SecurityWebFiltersOrder.CSRF)
                .addFilterAt(ConsoleSecurityConfiguration::actor, SecurityWebFiltersOrder.LAST)
                .exceptionHandling(e -> e.authenticationEntryPoint(new RedirectServerAuthenticationEntryPoint(LOGIN)))
                .logout(logout -> logout
                        .logoutUrl("/console/logout")
                        .logoutHandler(new DelegatingServerLogoutHandler(new SecurityContextServerLogoutHandler(),
                                new WebSessionServerLogoutHandler()))
                        .logoutSuccessHandler(redirect(LOGIN + "?signed-out")))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CSP)))
                .build();
    }

    @Bean
    @Order(2)
    SecurityWebFilterChain apiChain(ServerHttpSecurity http) {
        return http
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .headers(ServerHttpSecurity.HeaderSpec::disable)
                .build();
    }

    /** Sessions (only the console starts one) expire after the idle timeout; the cookie is the console's alone. */
    @Bean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
    WebSessionManager webSessionManager(ConsoleProperties properties) {
        InMemoryWebSessionStore store = new InMemoryWebSessionStore() {
            @Override
            public Mono<WebSession> createWebSession() {
                return super.createWebSession().doOnNext(s -> s.setMaxIdleTime(properties.idleTimeout()));
            }
        };
        CookieWebSessionIdResolver cookie = new CookieWebSessionIdResolver();
        cookie.setCookieName(COOKIE);
        // HttpOnly is the resolver's default, and Secure follows the request's scheme (https behind TLS)
        cookie.addCookieInitializer(builder -> builder.sameSite("Strict").path("/console"));
        DefaultWebSessionManager manager = new DefaultWebSessionManager();
        manager.setSessionStore(store);
        manager.setSessionIdResolver(cookie);
        return manager;
    }

    /** Changes made in a console request are the signed-in person's ({@link Actors}). */
    private static Mono<Void> actor(ServerWebExchange exchange, WebFilterChain chain) {
        return exchange.getPrincipal()
                .map(Principal::getName)
                .flatMap(name -> chain.filter(exchange).contextWrite(Actors.as(name)).thenReturn(true))
                .switchIfEmpty(Mono.defer(() -> chain.filter(exchange).thenReturn(true)))
                .then();
    }

    private static RedirectServerLogoutSuccessHandler redirect(String location) {
        RedirectServerLogoutSuccessHandler handler = new RedirectServerLogoutSuccessHandler();
        handler.setLogoutSuccessUrl(URI.create(location));
        return handler;
    }
}
