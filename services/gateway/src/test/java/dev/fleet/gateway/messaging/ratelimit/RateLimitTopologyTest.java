package dev.fleet.gateway.messaging.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.fleet.events.v1.RateLimitClaim;
import dev.fleet.events.v1.RateLimitGrant;
import dev.fleet.gateway.domain.ratelimit.BudgetWindow;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.streams.SkipUnprocessableRecords;
import dev.fleet.schemas.FleetTopics;

class RateLimitTopologyTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:05Z");
    private static final String BUDGET = "t:tenant-1";

    private final FleetSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, RateLimitClaim> claims;
    private TestOutputTopic<String, RateLimitGrant> grants;

    @BeforeEach
    void startDriver() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "ratelimit-topology-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnprocessableRecords.class);
        driver = new TopologyTestDriver(RateLimitTopology.buildTopology(serde.serde(FleetTopics.RATE_LIMIT_CLAIMS),
                serde.serde(FleetTopics.RATE_LIMIT_GRANTS), "gateway-under-test"), config, T0);
        claims = driver.createInputTopic(FleetTopics.RATE_LIMIT_CLAIMS.name(), Serdes.String().serializer(),
                serde.serde(FleetTopics.RATE_LIMIT_CLAIMS).serializer());
        grants = driver.createOutputTopic(FleetTopics.RATE_LIMIT_GRANTS.name(), Serdes.String().deserializer(),
                serde.serde(FleetTopics.RATE_LIMIT_GRANTS).deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldNeverGrantMoreThanTheLimitInAWindowWhateverReplicasAsk() {
        // given a budget of 60 requests per minute, three replicas asking in turn
        int granted = 0;
        for (int i = 0; i < 30; i++) {
            claim(BUDGET, "replica-" + (i % 3), 7, 0, 0, 60, 0, 1);
            granted += grants.readValue().getRequests();
        }

        // then exactly the limit was handed out, and the last grants say nothing is left
        assertThat(granted).isEqualTo(60);
        claim(BUDGET, "replica-0", 1, 0, 0, 60, 0, 1);
        RateLimitGrant last = grants.readValue();
        assertThat(last.getRequests()).isZero();
        assertThat(last.getRemainingRequests()).isZero();
        assertThat(last.getWindowEnd()).isEqualTo(Instant.parse("2026-03-01T10:01:00Z"));
    }

    @Test
    void shouldStartAFreshWindowEachMinute() {
        // given a used-up window
        claim(BUDGET, "r", 60, 0, 0, 60, 0, 1);
        assertThat(grants.readValue().getRemainingRequests()).isZero();

        // when the owner's clock passes the minute
        driver.advanceWallClockTime(Duration.ofSeconds(55));
        claim(BUDGET, "r", 10, 0, 0, 60, 0, 1);

        // then
        RateLimitGrant grant = grants.readValue();
        assertThat(grant.getRequests()).isEqualTo(10);
        assertThat(grant.getRemainingRequests()).isEqualTo(50);
        assertThat(grant.getWindowEnd()).isEqualTo(Instant.parse("2026-03-01T10:02:00Z"));
        assertThat(grant.getGrantedAt()).isEqualTo(T0.plusSeconds(55));
    }

    @Test
    void shouldChargeTokensUsedBeyondGrantsBeforeGrantingMore() {
        // given 1000 tokens per minute, 600 granted
        claim(BUDGET, "r", 0, 600, 0, 0, 1000, 1);
        assertThat(grants.readValue().getRemainingTokens()).isEqualTo(400);

        // when a replica reports 300 tokens used beyond its grant and asks for 200 more
        claim(BUDGET, "r", 0, 200, 300, 0, 1000, 1);

        // then only what is left after the charge is granted
        RateLimitGrant grant = grants.readValue();
        assertThat(grant.getTokens()).isEqualTo(100);
        assertThat(grant.getRemainingTokens()).isZero();
        assertThat(grant.getRemainingRequests()).isEqualTo(-1);
    }

    @Test
    void shouldApplyTheNewestLimitsAnyReplicaKnows() {
        // given a replica that knows the limit was raised to 100 (version 2)
        claim(BUDGET, "up-to-date", 70, 0, 0, 100, 0, 2);
        assertThat(grants.readValue().getRequests()).isEqualTo(70);

        // when a replica that still knows the old limit of 60 (version 1) asks
        claim(BUDGET, "stale", 50, 0, 0, 60, 0, 1);

        // then the newer limit applies
        RateLimitGrant grant = grants.readValue();
        assertThat(grant.getRequests()).isEqualTo(30);
        assertThat(grant.getRequestsPerMinute()).isEqualTo(100);
    }

    @Test
    void shouldKeepBudgetsApartAndAnswerEachClaimByItsId() {
        // given / when
        String first = claim("t:a", "r", 5, 0, 0, 5, 0, 1);
        String second = claim("t:b", "r", 5, 0, 0, 5, 0, 1);

        // then
        List<TestRecord<String, RateLimitGrant>> out = grants.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly(first, second);
        assertThat(out).extracting(r -> r.value().getRequests()).containsExactly(5, 5);
        assertThat(FleetHeaders.get(out.get(0).headers(), FleetHeaders.TENANT_ID)).contains("tenant-1");
        assertThat(FleetHeaders.get(out.get(0).headers(), FleetHeaders.PRODUCED_BY)).contains("gateway-under-test");
    }

    @Test
    void shouldSkipAClaimNotKeyedByItsBudgetAndGoOn() {
        // given a claim under the wrong key
        claims.pipeInput("t:other", claimValue(UUID.randomUUID().toString(), BUDGET, 5, 0, 0, 60, 0, 1));

        // when a good one follows
        claim(BUDGET, "r", 5, 0, 0, 60, 0, 1);

        // then only the good one was decided, and the store holds its budget alone
        assertThat(grants.readValuesToList()).singleElement()
                .satisfies(g -> assertThat(g.getRemainingRequests()).isEqualTo(55));
        KeyValueStore<String, BudgetWindow> store = driver.getKeyValueStore(RateLimitTopology.STORE);
        assertThat(store.get("t:other")).isNull();
        assertThat(store.get(BUDGET).grantedRequests()).isEqualTo(5);
    }

    private String claim(String budget, String replica, int requests, long tokens, long beyond, int rpm, long tpm,
            long version) {
        String claimId = UUID.randomUUID().toString();
        RecordHeaders headers = new RecordHeaders();
        headers.add(FleetHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        RateLimitClaim value = claimValue(claimId, budget, requests, tokens, beyond, rpm, tpm, version);
        value.setReplica(replica);
        claims.pipeInput(new TestRecord<>(budget, value, headers));
        return claimId;
    }

    private static RateLimitClaim claimValue(String claimId, String budget, int requests, long tokens, long beyond,
            int rpm, long tpm, long version) {
        return RateLimitClaim.newBuilder().setClaimId(claimId).setBudget(budget).setTenantId("tenant-1")
                .setRequests(requests).setTokens(tokens).setTokensUsedBeyondGrants(beyond)
                .setRequestsPerMinute(rpm).setTokensPerMinute(tpm).setLimitsVersion(version)
                .setReplica("r").build();
    }
}
