package dev.fleet.platform.web;

import java.util.List;

import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Path prefixes a guard protects, matched the way request mapping matches them: on decoded path
 * segments without {@code ;parameters}, so {@code /%61dmin/x} and {@code /admin;a/x} are guarded
 * exactly like {@code /admin/x}.
 */
public final class GuardedPaths {

    private final List<PathPattern> patterns;

    /** @param prefixes e.g. {@code /admin/} (everything below it) */
    public GuardedPaths(List<String> prefixes) {
        this.patterns = prefixes.stream()
                .map(p -> p.endsWith("/") ? p + "**" : p + "/**")
                .map(PathPatternParser.defaultInstance::parse)
                .toList();
    }

    public boolean matches(ServerWebExchange exchange) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        return patterns.stream().anyMatch(p -> p.matches(path));
    }
}
