package dev.fleet.platform.web;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The admin API guard ({@code fleet.admin.*}).
 *
 * @param token bearer token admins present ({@code FLEET_ADMIN_TOKEN}); blank disables the admin API
 * @param paths path prefixes that need it
 */
@ConfigurationProperties("fleet.admin")
public record AdminProperties(String token, @DefaultValue("/admin/") List<String> paths) {
}
