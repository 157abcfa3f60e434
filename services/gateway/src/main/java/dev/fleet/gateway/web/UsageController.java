package dev.fleet.gateway.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.events.v1.Meter;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.UsageLedger;
import dev.fleet.gateway.domain.UsageReport;

/**
 * {@code GET /v1/usage?from=&to=&bucket_width=}: the calling tenant's own usage (the tenant of the
 * API key; there is no parameter to name another), from the usage rollups this replica mirrors.
 * {@code from} and {@code to} are ISO-8601 instants ({@code 2026-01-31T12:00:00Z}) or dates
 * ({@code 2026-01-31}: {@code from} at the start of that UTC day, {@code to} at its end); the
 * defaults are the last 24 hours. {@code bucket_width} is {@code 1m}, {@code 1h} (default) or {@code 1d}.
 */
@RestController
public class UsageController {

    static final Duration DEFAULT_RANGE = Duration.ofDays(1);
    static final Duration MAX_RANGE = Duration.ofDays(366);
    private static final Map<String, Duration> BUCKET_WIDTHS = Map.of("1m", Duration.ofMinutes(1),
            "1h", Duration.ofHours(1), "1d", Duration.ofDays(1));

    /** The response. */
    public record Usage(String object, Instant from, Instant to, @JsonProperty("bucket_width") String bucketWidth,
            @JsonProperty("available_from") Instant availableFrom, Map<String, Long> totals, List<Bucket> data) {
    }

    /** One bucket of the response. */
    public record Bucket(String object, @JsonProperty("start_time") Instant startTime,
            @JsonProperty("end_time") Instant endTime, Map<String, Long> usage) {
    }

    private final UsageLedger ledger;
    private final Clock clock;

    public UsageController(UsageLedger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    @GetMapping("/v1/usage")
    public Usage usage(@RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @RequestParam(name = "bucket_width", required = false, defaultValue = "1h") String bucketWidth) {
        Duration width = BUCKET_WIDTHS.get(bucketWidth);
        if (width == null) {
            throw RequestMetadata.invalid("bucket_width must be 1m, 1h or 1d", "bucket_width");
        }
        Instant end = to == null ? clock.instant() : parse(to, "to", true);
        Instant start = from == null ? end.minus(DEFAULT_RANGE) : parse(from, "from", false);
        if (!start.isBefore(end)) {
            throw RequestMetadata.invalid("from must be before to", "from");
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw RequestMetadata.invalid("from and to may be at most " + MAX_RANGE.toDays() + " days apart", "from");
        }
        UsageReport report = ledger.report(caller.tenantId(), start, end, width);
        return new Usage("usage", report.from(), report.to(), bucketWidth, report.availableFrom(),
                names(report.totals()), report.buckets().stream()
                        .map(b -> new Bucket("usage.bucket", b.start(), b.end(), names(b.usage()))).toList());
    }

    private static Instant parse(String value, String param, boolean endOfDay) {
        try {
            return value.length() == 10 ? LocalDate.parse(value).plusDays(endOfDay ? 1 : 0)
                    .atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw RequestMetadata.invalid(param + " must be an ISO-8601 instant (2026-01-31T12:00:00Z) or date "
                    + "(2026-01-31)", param);
        }
    }

    /** Meters as the API spells them: {@code prompt_tokens}, {@code completion_tokens}, ... */
    private static Map<String, Long> names(Map<Meter, Long> byMeter) {
        Map<String, Long> named = new LinkedHashMap<>();
        byMeter.forEach((meter, quantity) -> named.put(meter.name().toLowerCase(Locale.ROOT), quantity));
        return named;
    }
}
