package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.fleet.tools.ChaosInvariants.DeadLetter;
import dev.fleet.tools.ChaosInvariants.Outcome;
import dev.fleet.tools.ChaosInvariants.Result;
import dev.fleet.tools.ChaosInvariants.UsageEvent;
import dev.fleet.tools.ChaosInvariants.Verdict;

class ChaosInvariantsTest {

    private static Outcome outcome(String kind, Result result) {
        return new Outcome(kind, result, result == Result.ANSWER ? 200 : 0, 10, null, null);
    }

    private static Outcome ingest(String id, Result result) {
        return new Outcome("ingest", result, result == Result.ANSWER ? 202 : 503, 10, id, "text of " + id);
    }

    @Test
    void requestsPassWithAnswersErrorsAndRefusalsButFailOnOneHang() {
        List<Outcome> ended = List.of(outcome("chat", Result.ANSWER), outcome("embed", Result.ERROR),
                outcome("search", Result.REFUSED));
        Verdict pass = ChaosInvariants.requestsEnded(ended);
        assertThat(pass.pass()).isTrue();
        assertThat(pass.detail()).contains("3 sent", "2 accepted = 1 answers + 1 errors + 0 hangs", "1 refused");

        Verdict hang = ChaosInvariants.requestsEnded(List.of(outcome("chat", Result.ANSWER),
                outcome("chat", Result.HANG)));
        assertThat(hang.pass()).isFalse();
        assertThat(hang.detail()).contains("1 hangs");
        assertThat(ChaosInvariants.requestsEnded(List.of()).pass()).as("no load proves nothing").isFalse();
        assertThat(ChaosInvariants.requestsEnded(List.of(outcome("chat", Result.ERROR))).pass())
                .as("no answer at all").isFalse();
    }

    @Test
    void usageFailsOnAnEventIdWithTwoDifferentUsagesAndCountsUnchangedRedeliveries() {
        List<UsageEvent> distinct = List.of(new UsageEvent("a", "prompt_tokens", 3),
                new UsageEvent("b", "prompt_tokens", 4));
        assertThat(ChaosInvariants.usageOneUsagePerEventId(distinct).pass()).isTrue();

        List<UsageEvent> redelivered = List.of(new UsageEvent("a", "prompt_tokens", 3),
                new UsageEvent("b", "prompt_tokens", 4), new UsageEvent("a", "prompt_tokens", 3));
        Verdict again = ChaosInvariants.usageOneUsagePerEventId(redelivered);
        assertThat(again.pass()).isTrue();
        assertThat(again.detail()).isEqualTo("3 events, 2 distinct event ids, 1 redelivered unchanged, 0 with different usages");

        List<UsageEvent> conflicting = List.of(new UsageEvent("a", "prompt_tokens", 3),
                new UsageEvent("a", "prompt_tokens", 5), new UsageEvent("a", "prompt_tokens", 3));
        Verdict verdict = ChaosInvariants.usageOneUsagePerEventId(conflicting);
        assertThat(verdict.pass()).isFalse();
        assertThat(verdict.detail()).isEqualTo("3 events, 1 distinct event ids, 0 redelivered unchanged, 1 with different usages");
    }

    @Test
    void meteringMustEqualTheSumOfTheEventsPerMeter() {
        List<UsageEvent> events = List.of(new UsageEvent("a", "prompt_tokens", 3),
                new UsageEvent("b", "completion_tokens", 5), new UsageEvent("c", "prompt_tokens", 4));
        assertThat(ChaosInvariants.usageSums(events)).isEqualTo(Map.of("prompt_tokens", 7L, "completion_tokens", 5L));

        assertThat(ChaosInvariants.meteringMatches(events,
                Map.of("prompt_tokens", 7L, "completion_tokens", 5L, "search_queries", 0L)).pass()).isTrue();
        Verdict lost = ChaosInvariants.meteringMatches(events, Map.of("prompt_tokens", 3L, "completion_tokens", 5L));
        assertThat(lost.pass()).isFalse();
        assertThat(lost.detail()).contains("prompt_tokens=7", "prompt_tokens=3");
        assertThat(ChaosInvariants.meteringMatches(events,
                Map.of("prompt_tokens", 14L, "completion_tokens", 5L)).pass()).as("counted twice").isFalse();
        assertThat(ChaosInvariants.meteringMatches(List.of(), Map.of()).pass()).as("no usage proves nothing")
                .isFalse();
    }

    @Test
    void auditNeedsExactlyOneRowPerDomainEvent() {
        assertThat(ChaosInvariants.auditMatches(List.of("e1", "e2"), List.of("e2", "e1")).pass()).isTrue();

        Verdict missing = ChaosInvariants.auditMatches(List.of("e1", "e2"), List.of("e1"));
        assertThat(missing.pass()).isFalse();
        assertThat(missing.detail()).contains("1 missing, 0 twice, 0 without an event");

        Verdict twice = ChaosInvariants.auditMatches(List.of("e1"), List.of("e1", "e1"));
        assertThat(twice.pass()).isFalse();
        assertThat(twice.detail()).contains("0 missing, 1 twice");

        assertThat(ChaosInvariants.auditMatches(List.of("e1"), List.of("e1", "x")).pass()).isFalse();
    }

    @Test
    void everyAcceptedIngestMustBeFoundByItsText() {
        List<Outcome> outcomes = List.of(ingest("i1", Result.ANSWER), ingest("i2", Result.ANSWER),
                ingest("i3", Result.ERROR), outcome("chat", Result.ANSWER));
        assertThat(ChaosInvariants.ingested(outcomes)).containsExactly("i1", "i2");

        Map<String, Set<String>> found = Map.of("i1", Set.of("i1", "i9"), "i2", Set.of("i1"));
        assertThat(ChaosInvariants.unfound(outcomes, found)).containsExactly("i2");
        Verdict verdict = ChaosInvariants.itemsSearchable(outcomes, found);
        assertThat(verdict.pass()).isFalse();
        assertThat(verdict.detail()).startsWith("2 items ingested (2xx), 1 found by their text, 1 not");

        assertThat(ChaosInvariants.itemsSearchable(outcomes, Map.of("i1", Set.of("i1"), "i2", Set.of("i2"))).pass())
                .isTrue();
    }

    @Test
    void onlyThePoisonedDeadLetterIsAllowedAndItMustBeThereOnce() {
        String topic = "fleet.usage.v1.dlq";
        assertThat(ChaosInvariants.deadLetters(List.of(new DeadLetter(topic, "m")), topic, "m").pass()).isTrue();
        assertThat(ChaosInvariants.deadLetters(List.of(), topic, "m").pass()).as("poison not dead-lettered")
                .isFalse();
        assertThat(ChaosInvariants.deadLetters(List.of(new DeadLetter(topic, "m"), new DeadLetter(topic, "m")),
                topic, "m").pass()).as("twice").isFalse();
        Verdict other = ChaosInvariants.deadLetters(List.of(new DeadLetter(topic, "m"),
                new DeadLetter("fleet.items.v1.dlq", null)), topic, "m");
        assertThat(other.pass()).isFalse();
        assertThat(other.detail()).contains("{fleet.items.v1.dlq=1}");
    }

    @Test
    void theTableSaysPassOrFailPerInvariant() {
        String table = ChaosInvariants.table(List.of(new Verdict("a", true, "1"), new Verdict("bb", false, "2")));
        assertThat(table).isEqualTo("""
                INVARIANT  RESULT  NUMBERS
                a          PASS    1
                bb         FAIL    2
                """);
    }

    @Test
    void readsTheLoadsOutcomesAndGivesEveryItemItsOwnText(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("outcomes.jsonl");
        Files.writeString(file, """
                {"n":0,"kind":"chat","status":200,"result":"ANSWER","millis":12}
                {"n":2,"kind":"ingest","itemId":"chaos-2","itemText":"t","status":0,"result":"HANG","millis":180000}

                """);
        assertThat(Chaos.readOutcomes(file)).containsExactly(new Outcome("chat", Result.ANSWER, 200, 12, null, null),
                new Outcome("ingest", Result.HANG, 0, 180000, "chaos-2", "t"));
        assertThat(java.util.stream.LongStream.range(0, 5000).mapToObj(Chaos::itemText).distinct().count())
                .isEqualTo(5000);
    }
}
