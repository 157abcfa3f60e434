package dev.fleet.orchestrator.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.orchestrator.domain.KeySummary;
import dev.fleet.orchestrator.domain.LimitOverrides;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantPlan;

/** What the tenant pages show of tenants, limits and keys: text ready for the templates (times in UTC). */
final class TenantRows {

    /** The limits form's fields, in the order of {@link LimitOverrides}'s components. */
    static final List<String> LIMIT_FIELDS = List.of("rpm", "tpm", "monthly_tokens", "max_items", "max_stored_bytes",
            "max_item_bytes");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private TenantRows() {
    }

    static String status(TenantStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    static String amount(long value) {
        return value == 0 ? "no limit" : String.format(Locale.ROOT, "%,d", value);
    }

    /** A tenant as a row of the list. */
    record TenantRow(UUID id, String name, String plan, String status, boolean active, String created) {

        static TenantRow of(Tenant tenant) {
            return new TenantRow(tenant.id(), tenant.name(), tenant.plan().apiName(), TenantRows.status(tenant.status()),
                    tenant.status() == TenantStatus.ACTIVE, time(tenant.createdAt()));
        }
    }

    /**
     * One limit of a tenant: its plan's value, the tenant's override (the form field's text: blank for none)
     * and the limit in force, with the form's error for it if any.
     */
    record LimitRow(String field, String label, String plan, String override, String effective, String error) {

        static List<LimitRow> of(Tenant tenant, Map<String, String> values, Map<String, String> errors) {
            LimitOverrides own = tenant.limits();
            TenantPlan plan = tenant.plan();
            return List.of(
                    row("rpm", "Requests per minute", plan.requestsPerMinute(), own.requestsPerMinute(),
                            tenant.requestsPerMinute(), values, errors),
                    row("tpm", "Tokens per minute", plan.tokensPerMinute(), own.tokensPerMinute(),
                            tenant.tokensPerMinute(), values, errors),
                    row("monthly_tokens", "Tokens per month", plan.monthlyTokens(), own.monthlyTokens(),
                            tenant.monthlyTokens(), values, errors),
                    row("max_items", "Knowledge items stored", plan.maxItems(), own.maxItems(), tenant.maxItems(),
                            values, errors),
                    row("max_stored_bytes", "Knowledge bytes stored", plan.maxStoredBytes(), own.maxStoredBytes(),
                            tenant.maxStoredBytes(), values, errors),
                    row("max_item_bytes", "Bytes per knowledge item", plan.maxItemBytes(), own.maxItemBytes(),
                            tenant.maxItemBytes(), values, errors));
        }

        private static LimitRow row(String field, String label, long plan, Number override, long effective,
                Map<String, String> values, Map<String, String> errors) {
            String shown = values.containsKey(field) ? values.get(field) : override == null ? "" : override.toString();
            return new LimitRow(field, label, amount(plan), shown, amount(effective), errors.get(field));
        }
    }

    /** A key as a row of the tenant's keys: never more than its prefix. */
    record KeyRow(UUID id, String prefix, String scopes, String status, boolean active, String created,
            String revoked) {

        static KeyRow of(KeySummary key) {
            return new KeyRow(key.id(), key.prefix(), String.join(", ", key.scopes()),
                    key.status().name().toLowerCase(Locale.ROOT), key.status() == ApiKeyStatus.ACTIVE,
                    time(key.createdAt()), time(key.revokedAt()));
        }
    }
}
