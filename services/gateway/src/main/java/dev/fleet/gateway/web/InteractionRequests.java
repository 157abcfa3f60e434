package dev.fleet.gateway.web;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.InteractionKind;
import dev.fleet.gateway.domain.InteractionReport;
import dev.fleet.platform.web.ApiErrorException;

/**
 * The body of {@code POST /v1/collections/{collection}/interactions}: one interaction, or a batch of 1 to
 * {@value #MAX_INTERACTIONS} as {@code {"interactions": [...]}}. Each needs a {@code user} and an {@code item_id},
 * and a {@code kind} ({@code view}, {@code click}, {@code like}, {@code add_to_cart}, {@code purchase}); a
 * {@code weight} (positive, at most {@value #MAX_WEIGHT}; default by kind), an {@code occurred_at} (ISO-8601 with
 * offset, not more than {@code MAX_CLOCK_SKEW} ahead; default now) and string {@code metadata} are optional.
 */
public final class InteractionRequests {

    static final int MAX_INTERACTIONS = 100;
    static final double MAX_WEIGHT = 1_000;
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** A pseudonymous user id: no spaces, no slashes, bounded. */
    static final Pattern USER = Pattern.compile("[A-Za-z0-9_.:@-]{1,128}");
    private static final String KINDS = Arrays.stream(InteractionKind.values())
            .map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));

    private InteractionRequests() {
    }

    /** One interaction (the batch's elements, or the body itself). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Interaction(String user, @JsonProperty("item_id") String itemId, String kind, JsonNode weight,
            @JsonProperty("occurred_at") String occurredAt, Map<String, JsonNode> metadata) {

        boolean isEmpty() {
            return user == null && itemId == null && kind == null && weight == null && occurredAt == null
                    && metadata == null;
        }

        InteractionReport validated(String prefix, Instant now) {
            String param = prefix.isEmpty() ? "" : prefix + ".";
            validUser(user, param + "user");
            CollectionRequests.itemId(itemId, param + "item_id");
            return new InteractionReport(user, itemId, validKind(kind, param + "kind"),
                    validWeight(weight, param + "weight"), validTime(occurredAt, param + "occurred_at", now),
                    RequestMetadata.ITEM.toStrings(metadata, param + "metadata"));
        }
    }

    /** The request body: {@code interactions} for a batch, else the fields of one interaction. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Body(List<Interaction> interactions, String user, @JsonProperty("item_id") String itemId,
            String kind, JsonNode weight, @JsonProperty("occurred_at") String occurredAt,
            Map<String, JsonNode> metadata) {

        /** @throws ApiErrorException 400 naming the first invalid field */
        public List<InteractionReport> validated(Instant now) {
            Interaction single = new Interaction(user, itemId, kind, weight, occurredAt, metadata);
            if (interactions == null) {
                return List.of(single.validated("", now));
            }
            if (!single.isEmpty()) {
                throw RequestMetadata.invalid("send either one interaction or {\"interactions\": [...]}, not both",
                        "interactions");
            }
            if (interactions.isEmpty() || interactions.size() > MAX_INTERACTIONS) {
                throw RequestMetadata.invalid("interactions must hold 1 to " + MAX_INTERACTIONS + " interactions",
                        "interactions");
            }
            List<InteractionReport> reports = new ArrayList<>(interactions.size());
            for (int i = 0; i < interactions.size(); i++) {
                String param = "interactions[" + i + "]";
                Interaction interaction = interactions.get(i);
                if (interaction == null) {
                    throw RequestMetadata.invalid(param + " must be an object", param);
                }
                reports.add(interaction.validated(param, now));
            }
            return reports;
        }
    }

    /** @throws ApiErrorException 400 when {@code user} is not a valid user id */
    static String validUser(String user, String param) {
        if (user == null || !USER.matcher(user).matches()) {
            throw RequestMetadata.invalid(param + " must match " + USER.pattern(), param);
        }
        return user;
    }

    private static InteractionKind validKind(String kind, String param) {
        if (kind != null) {
            for (InteractionKind k : InteractionKind.values()) {
                if (k.name().equalsIgnoreCase(kind)) {
                    return k;
                }
            }
        }
        throw RequestMetadata.invalid(param + " must be one of " + KINDS, param);
    }

    private static Double validWeight(JsonNode weight, String param) {
        if (weight == null || weight.isNull()) {
            return null;
        }
        double value = weight.asDouble();
        if (!weight.isNumber() || !(value > 0) || value > MAX_WEIGHT) {
            throw RequestMetadata.invalid(param + " must be a number above 0 and at most " + (int) MAX_WEIGHT, param);
        }
        return value;
    }

    private static Instant validTime(String occurredAt, String param, Instant now) {
        if (occurredAt == null) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(occurredAt).toInstant();
        } catch (DateTimeParseException e) {
            throw RequestMetadata.invalid(param + " must be an ISO-8601 date-time with offset, e.g. "
                    + "2026-12-01T10:15:30Z", param);
        }
        if (at.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw RequestMetadata.invalid(param + " is in the future", param);
        }
        return at;
    }
}
