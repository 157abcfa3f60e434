package dev.fleet.metering.messaging;

import static dev.fleet.metering.messaging.UsageTopologyTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.QuotaExceeded;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.QuotaStatus;
import dev.fleet.events.v1.QuotaWarningReached;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;

/** Quota status from usage and tenants' monthly token quotas, through {@link UsageTopology}. */
class QuotaStatusTopologyTest {

    private final FleetSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, UsageRecorded> usage;
    private TestInputTopic<String, Tenant> tenants;
    private TestOutputTopic<String, QuotaStatus> statuses;
    private TestOutputTopic<String, DomainEvent> events;

    @BeforeEach
    void startDriver() {
        driver = UsageTopologyTest.driver(serde, stateDir, RollupRetention.DEFAULT);
        usage = driver.createInputTopic(FleetTopics.USAGE.name(), Serdes.String().serializer(),
                serde.serde(FleetTopics.USAGE).serializer());
        tenants = driver.createInputTopic(FleetTopics.TENANTS.name(), Serdes.String().serializer(),
                serde.serde(FleetTopics.TENANTS).serializer());
        statuses = driver.createOutputTopic(FleetTopics.QUOTA_STATUS.name(), Serdes.String().deserializer(),
                serde.serde(FleetTopics.QUOTA_STATUS).deserializer());
        events = driver.createOutputTopic(FleetTopics.DOMAIN_EVENTS.name(), Serdes.String().deserializer(),
                serde.serde(FleetTopics.DOMAIN_EVENTS).deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void writesWarningAtEightyPercentAndExceededAtTheLimitEachAsAStatusAndADomainEvent() {
        // given
        tenant("t1", 1000L);

        // when
        tokens("t1", Meter.PROMPT_TOKENS, 500);
        tokens("t1", Meter.COMPLETION_TOKENS, 300);
        tokens("t1", Meter.EMBEDDING_TOKENS, 200);

        // then
        assertThat(statuses.readValuesToList()).extracting(QuotaStatus::getMonth, QuotaStatus::getUsed,
                QuotaStatus::getLimit, QuotaStatus::getState).containsExactly(
                tuple("2025-03", 0L, 1000L, QuotaState.OK),
                tuple("2025-03", 800L, 1000L, QuotaState.WARNING),
                tuple("2025-03", 1000L, 1000L, QuotaState.EXCEEDED));
        assertThat(events.readValuesToList()).extracting(DomainEvent::getPayload).containsExactly(
                new QuotaWarningReached("2025-03", 800L, 1000L), new QuotaExceeded("2025-03", 1000L, 1000L));
    }

    @Test
    void writesAChangeOfUsedAloneWithinASecondWithoutAnEvent() {
        // given
        tenant("t1", 1000L);
        statuses.readValuesToList();

        // when
        tokens("t1", Meter.PROMPT_TOKENS, 10);
        tokens("t1", Meter.PROMPT_TOKENS, 20);
        assertThat(statuses.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // then
        assertThat(statuses.readValuesToList()).extracting(QuotaStatus::getUsed, QuotaStatus::getState)
                .containsExactly(tuple(30L, QuotaState.OK));
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void admitsAnExceededTenantAgainWhenItsLimitIsRaised() {
        // given
        tenant("t1", 100L);
        tokens("t1", Meter.PROMPT_TOKENS, 150);
        statuses.readValuesToList();
        events.readValuesToList();

        // when
        tenant("t1", 1000L);

        // then
        assertThat(statuses.readValuesToList()).extracting(QuotaStatus::getUsed, QuotaStatus::getLimit,
                QuotaStatus::getState).containsExactly(tuple(150L, 1000L, QuotaState.OK));
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void startsAfreshWhenTheMonthTurns() {
        // given an exceeded tenant at the start of March
        tenant("t1", 100L);
        tokens("t1", Meter.PROMPT_TOKENS, 100);
        statuses.readValuesToList();

        // when the wall clock reaches April
        driver.advanceWallClockTime(Duration.ofDays(31));

        // then
        assertThat(statuses.readValuesToList()).extracting(QuotaStatus::getMonth, QuotaStatus::getUsed,
                QuotaStatus::getState).containsExactly(tuple("2025-04", 0L, QuotaState.OK));
    }

    @Test
    void keepsATenantWithoutQuotaOkAndCountsNoSearchesAsTokens() {
        // when
        tenant("t1", null);
        tokens("t1", Meter.PROMPT_TOKENS, 1_000_000);
        usage.pipeInput("t1", UsageTopologyTest.usage("t1", Meter.SEARCH_QUERIES, null, 5, T0), T0);
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // then
        assertThat(statuses.readValuesToList()).extracting(QuotaStatus::getUsed, QuotaStatus::getLimit,
                QuotaStatus::getState).containsExactly(tuple(0L, null, QuotaState.OK),
                tuple(1_000_000L, null, QuotaState.OK));
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void ranksStatesByEightyPercentRoundedUp() {
        assertThat(QuotaTracker.stateOf(5, 7L)).isEqualTo(QuotaState.OK);
        assertThat(QuotaTracker.stateOf(6, 7L)).isEqualTo(QuotaState.WARNING);
        assertThat(QuotaTracker.stateOf(7, 7L)).isEqualTo(QuotaState.EXCEEDED);
        assertThat(QuotaTracker.stateOf(0, 0L)).isEqualTo(QuotaState.EXCEEDED);
        assertThat(QuotaTracker.stateOf(Long.MAX_VALUE, null)).isEqualTo(QuotaState.OK);
    }

    private void tenant(String id, Long monthlyTokens) {
        tenants.pipeInput(id, Tenant.newBuilder().setId(id).setName(id).setPlan(Plan.PRO).setStatus(TenantStatus.ACTIVE)
                .setRequestsPerMinute(0).setTokensPerDay(0).setMonthlyTokens(monthlyTokens).setUpdatedAt(T0).build(),
                T0);
    }

    private void tokens(String tenantId, Meter meter, long quantity) {
        Instant at = T0.plusSeconds(1);
        usage.pipeInput(tenantId, UsageTopologyTest.usage(tenantId, meter, "m", quantity, at), at);
    }
}
