package dev.fleet.orchestrator.console;

import java.security.Principal;

import org.springframework.http.HttpStatus;
import org.springframework.security.web.reactive.result.view.CsrfRequestDataValueProcessor;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import reactor.core.publisher.Mono;

/**
 * What every console page's model holds: the CSRF token (subscribed before rendering, as WebFlux requires),
 * the signed-in actor and the current path (for the navigation's {@code aria-current}); and the console's
 * error page, so a console error is a page, not the JSON error of the API.
 */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
public class ConsoleModel {

    /*
     * No method here takes a ServerWebExchange or returns null with one: WebFlux treats a null result of a
     * method given the exchange as "response handled", and one such method empties the whole model.
     */

    @ModelAttribute
    void page(ServerHttpRequest request,
            @RequestAttribute(name = CsrfRequestDataValueProcessor.DEFAULT_CSRF_ATTR_NAME, required = false) CsrfToken csrf,
            Model model) {
        model.addAttribute("currentPath", request.getPath().pathWithinApplication().value());
        if (csrf != null) {
            model.addAttribute("csrf", csrf);
        }
        // a message carried by the redirect after a form post (?done=... or ?problem=...)
        String done = request.getQueryParams().getFirst("done");
        String problem = request.getQueryParams().getFirst("problem");
        if (done != null) {
            model.addAttribute("flashDone", done);
        }
        if (problem != null) {
            model.addAttribute("flashProblem", problem);
        }
    }

    @ModelAttribute("actor")
    Mono<String> actor(Mono<Principal> principal) {
        return principal.map(Principal::getName);
    }

    /**
     * Resolves the request's CSRF token before the page is rendered (Spring Security keeps it as a lazy
     * {@code Mono}, which neither WebFlux's model nor Thymeleaf subscribes to here), so that forms carry it
     * and the session that holds it exists. In the console's security chain, after its CSRF filter.
     */
    static Mono<Void> resolveCsrf(ServerWebExchange exchange, org.springframework.web.server.WebFilterChain chain) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        if (token == null) {
            return chain.filter(exchange);
        }
        return token.doOnNext(t -> exchange.getAttributes().put(CsrfRequestDataValueProcessor.DEFAULT_CSRF_ATTR_NAME, t))
                .then(chain.filter(exchange));
    }

    /** The console's error page; WebFlux clears the model before an exception handler, so the frame's parts are put back. */
    @ExceptionHandler(ResponseStatusException.class)
    Mono<String> problem(ResponseStatusException e, ServerWebExchange exchange, Model model) {
        exchange.getResponse().setStatusCode(e.getStatusCode());
        model.addAttribute("currentPath", exchange.getRequest().getPath().pathWithinApplication().value());
        model.addAttribute("heading", e.getStatusCode().value() == 404 ? "Not found" : "Problem");
        model.addAttribute("message", e.getReason() == null ? "The request could not be served." : e.getReason());
        return exchange.getPrincipal().map(Principal::getName)
                .doOnNext(actor -> model.addAttribute("actor", actor))
                .thenReturn("console/error");
    }

    /**
     * Where a form post redirects to: {@code path} with a flash message ({@code kind} {@code done} or
     * {@code problem}) that {@link #page} shows once.
     */
    public static String flash(String path, String kind, String message) {
        return UriComponentsBuilder.fromPath(path).queryParam(kind, "{m}").encode().buildAndExpand(message)
                .toUriString();
    }

    /** A 404 page for something the console cannot find. */
    public static ResponseStatusException notFound(String what) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, what);
    }
}
