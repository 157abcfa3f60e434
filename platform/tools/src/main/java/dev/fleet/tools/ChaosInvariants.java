package dev.fleet.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fault suite's invariants ({@code scripts/fleet chaos}, decision 0046) as pure functions over what the
 * load recorded and what the checker read from Kafka and the fleet's APIs: each returns a {@link Verdict}
 * with the numbers behind it. Nothing here talks to a network.
 */
final class ChaosInvariants {

    private ChaosInvariants() {
    }

    /** One invariant's result: its name, PASS or FAIL, and the numbers. */
    record Verdict(String name, boolean pass, String detail) {
    }

    /** How a request of the load ended. */
    enum Result {
        /** a 2xx answer */
        ANSWER,
        /** an HTTP error status, or the connection broke after the request was sent */
        ERROR,
        /** no connection: the request was never accepted (the gateway was down) */
        REFUSED,
        /** no answer within the request's timeout */
        HANG
    }

    /** One request of the load and how it ended. */
    record Outcome(String kind, Result result, int status, long millis, String itemId, String itemText) {
    }

    /** One usage record of the suite's tenant as read from {@code fleet.usage.v1}. */
    record UsageEvent(String eventId, String meter, long quantity) {
    }

    /** A record of a dead-letter topic written during the run. */
    record DeadLetter(String topic, String marker) {
    }

    /** Every accepted request ended with an answer or an error; none hung past its timeout. */
    static Verdict requestsEnded(List<Outcome> outcomes) {
        Map<Result, Integer> counts = new LinkedHashMap<>();
        for (Result r : Result.values()) {
            counts.put(r, 0);
        }
        Map<String, Integer> byKind = new TreeMap<>();
        for (Outcome o : outcomes) {
            counts.merge(o.result(), 1, Integer::sum);
            byKind.merge(o.kind(), 1, Integer::sum);
        }
        int accepted = outcomes.size() - counts.get(Result.REFUSED);
        boolean pass = !outcomes.isEmpty() && counts.get(Result.HANG) == 0 && counts.get(Result.ANSWER) > 0;
        return new Verdict("requests end (answer or error, no hang)", pass,
                "%d sent %s: %d accepted = %d answers + %d errors + %d hangs; %d refused (no connection)".formatted(
                        outcomes.size(), byKind, accepted, counts.get(Result.ANSWER), counts.get(Result.ERROR),
                        counts.get(Result.HANG), counts.get(Result.REFUSED)));
    }

    /**
     * An event id of the tenant's usage events stands for one usage: every copy of an id carries the same meter
     * and quantity. Identical copies are redeliveries — the orchestrator's outbox relay is at-least-once
     * (decision 0051: a SIGKILL between Kafka's acknowledgement of a batch and the relay's commit re-sends it),
     * and metering and audit count an id once (checked by their own invariants) — so they are counted, not
     * failed; an id with two different usages fails.
     */
    static Verdict usageOneUsagePerEventId(List<UsageEvent> events) {
        Map<String, UsageEvent> first = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        long conflicting = events.stream().filter(e -> {
            seen.merge(e.eventId(), 1, Integer::sum);
            UsageEvent earlier = first.putIfAbsent(e.eventId(), e);
            return earlier != null && !earlier.equals(e);
        }).map(UsageEvent::eventId).distinct().count();
        long redelivered = seen.values().stream().filter(n -> n > 1).count() - conflicting;
        return new Verdict("usage events: one usage per event-id", !events.isEmpty() && conflicting == 0,
                "%d events, %d distinct event ids, %d redelivered unchanged, %d with different usages".formatted(
                        events.size(), seen.size(), redelivered, conflicting));
    }

    /** Per meter, the sum of the usage events' quantities (each event id counted once). */
    static Map<String, Long> usageSums(List<UsageEvent> events) {
        Map<String, Long> sums = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (UsageEvent e : events) {
            if (seen.add(e.eventId())) {
                sums.merge(e.meter(), e.quantity(), Long::sum);
            }
        }
        return sums;
    }

    /** Metering's totals per meter equal the sums of the usage events (meters with zero left out). */
    static Verdict meteringMatches(List<UsageEvent> events, Map<String, Long> metered) {
        Map<String, Long> produced = usageSums(events);
        Map<String, Long> counted = new TreeMap<>();
        metered.forEach((meter, total) -> {
            if (total != 0) {
                counted.put(meter, total);
            }
        });
        return new Verdict("metering total = sum of usage events", !produced.isEmpty() && produced.equals(counted),
                "events %s, metering %s".formatted(produced, counted));
    }

    /** Every domain event of the tenant has exactly one audit row; no audit row without an event. */
    static Verdict auditMatches(List<String> domainEventIds, List<String> auditEventIds) {
        Set<String> events = new HashSet<>(domainEventIds);
        Map<String, Integer> rows = new HashMap<>();
        auditEventIds.forEach(id -> rows.merge(id, 1, Integer::sum));
        long missing = events.stream().filter(id -> !rows.containsKey(id)).count();
        long twice = rows.values().stream().filter(n -> n > 1).count();
        long unknown = rows.keySet().stream().filter(id -> !events.contains(id)).count();
        boolean pass = !events.isEmpty() && missing == 0 && twice == 0 && unknown == 0;
        return new Verdict("audit rows = domain events", pass,
                "%d domain events (%d distinct), %d audit rows: %d missing, %d twice, %d without an event".formatted(
                        domainEventIds.size(), events.size(), auditEventIds.size(), missing, twice, unknown));
    }

    /** The ingested items (202) a search by their exact text did not find, given the ids each search found. */
    static List<String> unfound(List<Outcome> outcomes, Map<String, Set<String>> foundByItem) {
        List<String> unfound = new ArrayList<>();
        for (String id : ingested(outcomes)) {
            if (!foundByItem.getOrDefault(id, Set.of()).contains(id)) {
                unfound.add(id);
            }
        }
        return unfound;
    }

    /** The ids of the items whose ingest was accepted (2xx). */
    static List<String> ingested(List<Outcome> outcomes) {
        return outcomes.stream()
                .filter(o -> o.kind().equals("ingest") && o.result() == Result.ANSWER && o.itemId() != null)
                .map(Outcome::itemId).distinct().toList();
    }

    /** Every accepted ingest is searchable by its text. */
    static Verdict itemsSearchable(List<Outcome> outcomes, Map<String, Set<String>> foundByItem) {
        List<String> items = ingested(outcomes);
        List<String> unfound = unfound(outcomes, foundByItem);
        return new Verdict("ingested items searchable", !items.isEmpty() && unfound.isEmpty(),
                "%d items ingested (2xx), %d found by their text, %d not%s".formatted(items.size(),
                        items.size() - unfound.size(), unfound.size(),
                        unfound.isEmpty() ? "" : " (e.g. " + unfound.subList(0, Math.min(3, unfound.size())) + ")"));
    }

    /**
     * No dead letter during the run except the one the suite poisoned on purpose ({@code expectedTopic} with
     * {@code marker}), which must be there exactly once.
     */
    static Verdict deadLetters(List<DeadLetter> letters, String expectedTopic, String marker) {
        long poisoned = letters.stream()
                .filter(l -> l.topic().equals(expectedTopic) && marker.equals(l.marker())).count();
        Map<String, Integer> others = new TreeMap<>();
        letters.stream().filter(l -> !(l.topic().equals(expectedTopic) && marker.equals(l.marker())))
                .forEach(l -> others.merge(l.topic(), 1, Integer::sum));
        return new Verdict("dead letters: only the poisoned one", poisoned == 1 && others.isEmpty(),
                "poisoned record in %s: %d (expected 1); other dead letters: %s".formatted(expectedTopic, poisoned,
                        others.isEmpty() ? "none" : others));
    }

    /** The verdicts as a table: INVARIANT, RESULT, NUMBERS. */
    static String table(List<Verdict> verdicts) {
        Table table = new Table("INVARIANT", "RESULT", "NUMBERS");
        verdicts.forEach(v -> table.row(v.name(), v.pass() ? "PASS" : "FAIL", v.detail()));
        return table.render();
    }
}
