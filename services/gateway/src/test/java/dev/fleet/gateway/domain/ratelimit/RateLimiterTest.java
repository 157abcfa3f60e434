package dev.fleet.gateway.domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.KeyLimits;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.gateway.domain.RefusalCounter;
import dev.fleet.gateway.domain.ratelimit.RateLimitExceededException.Dimension;

import reactor.core.publisher.Mono;

class RateLimiterTest {

    private static final String TENANT = "tenant-1";
    private static final String KEY = "key-1";

    private final FakeOwner owner = new FakeOwner();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final LimitsDirectory limits = new LimitsDirectory();
    private final RefusalCounter refusals = new RefusalCounter(Clock.fixed(Instant.parse("2026-03-01T10:00:05Z"),
            ZoneOffset.UTC));

    @Test
    void shouldAdmitExactlyTheLimitAcrossThreeReplicasInABurst() {
        // given 60 requests per minute and three replicas sharing one owner
        tenantLimits(60, null, 1);
        List<RateLimiter> replicas = List.of(replica(), replica(), replica());
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();

        // when 200 requests arrive spread over the replicas, answered as they come
        List<Mono<RateLimiter.Admission>> burst = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            burst.add(replicas.get(i % 3).admit(TENANT, KEY, 1, 0));
        }
        burst.forEach(m -> m.subscribe(a -> admitted.incrementAndGet(), e -> {
            assertThat(e).isInstanceOf(RateLimitExceededException.class);
            refused.incrementAndGet();
        }));
        owner.answerAll();

        // then exactly 60 were admitted, the rest refused, with few round trips
        assertThat(admitted).hasValue(60);
        assertThat(refused).hasValue(140);
        assertThat(owner.claimsReceived).isLessThanOrEqualTo(12);
        // and the refusals were counted for the audit log
        assertThat(refusals.drain(true)).singleElement()
                .satisfies(tally -> assertThat(tally.counts()).containsEntry("rate_limit_requests", 140L));
    }

    @Test
    void shouldRefuseLocallyOnceTheOwnerSaysTheWindowIsUsedUp() {
        // given a used-up window on this replica
        tenantLimits(2, null, 1);
        RateLimiter limiter = replica();
        admitAll(limiter, 3);
        int claims = owner.claimsReceived;

        // when more requests come
        RateLimitExceededException refusal = refusal(limiter.admit(TENANT, KEY, 1, 0));

        // then they are refused without asking the owner, with the time to the window's end
        assertThat(owner.claimsReceived).isEqualTo(claims);
        assertThat(refusal.dimension()).isEqualTo(Dimension.REQUESTS);
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(55));
    }

    @Test
    void shouldDropTheLeaseWhenTheWindowEndsByTheLocalClock() {
        // given a used-up window
        tenantLimits(1, null, 1);
        RateLimiter limiter = replica();
        admitAll(limiter, 1);
        assertThat(refusal(limiter.admit(TENANT, KEY, 1, 0))).isNotNull();

        // when 55 s pass here and at the owner
        nanos.addAndGet(Duration.ofSeconds(55).toNanos());
        owner.nowMillis += 55_000;

        // then the next request claims from the next window and is admitted
        assertThat(admitAll(limiter, 1)).isEqualTo(1);
    }

    @Test
    void shouldNeverUseALeaseBeyondTheOwnersWindowEvenWhenTheGrantArrivesLate() {
        // given a claim sent now and answered 3 s later (owner time), 52 s before its window ends
        tenantLimits(100, null, 1);
        RateLimiter limiter = replica();
        Mono<RateLimiter.Admission> first = limiter.admit(TENANT, KEY, 1, 0);
        List<Object> results = new ArrayList<>();
        first.subscribe(results::add);
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        owner.nowMillis += 3_000;
        owner.answerAll();
        assertThat(results).hasSize(1);

        // when 52 s pass locally (55 s after the claim was sent: the owner's window has ended)
        nanos.addAndGet(Duration.ofSeconds(52).toNanos());
        int claims = owner.claimsReceived;
        limiter.admit(TENANT, KEY, 1, 0).subscribe();

        // then the held capacity is void and a new claim is needed
        assertThat(owner.claimsReceived).isEqualTo(claims + 1);
    }

    @Test
    void shouldApplyRaisedLimitsAtOnce() {
        // given a used-up window under 1 rpm
        tenantLimits(1, null, 1);
        RateLimiter limiter = replica();
        admitAll(limiter, 1);
        assertThat(refusal(limiter.admit(TENANT, KEY, 1, 0))).isNotNull();

        // when the tenant's limit is raised
        tenantLimits(5, null, 2);

        // then requests are admitted up to the new limit in the same window
        assertThat(admitAll(limiter, 10)).isEqualTo(4);
    }

    @Test
    void shouldHoldAKeysOwnLimitBesidesItsTenants() {
        // given a tenant with 100 rpm and a key limited to 3
        tenantLimits(100, null, 1);
        limits.applyKey(KEY, ApiKey.newBuilder().setId(KEY).setTenantId(TENANT).setSha256("0".repeat(64))
                .setPrefix("fk-").setScopes(List.of()).setStatus(ApiKeyStatus.ACTIVE)
                .setLimits(new KeyLimits(3, null)).setUpdatedAt(Instant.EPOCH).build());
        RateLimiter limiter = replica();

        // when / then
        assertThat(admitAll(limiter, 10)).isEqualTo(3);
        assertThat(limiter.status(TENANT, KEY).limitRequests()).isEqualTo(3);
        assertThat(limiter.status(TENANT, KEY).remainingRequests()).isZero();
        // and the tenant's capacity taken for refused requests went back to its lease
        assertThat(limiter.status(TENANT, "another-key").remainingRequests()).isEqualTo(97);
    }

    @Test
    void shouldRefuseARequestLargerThanTheTokenLimitWithoutAsking() {
        // given
        tenantLimits(0, 1_000L, 1);
        RateLimiter limiter = replica();

        // when
        RateLimitExceededException refusal = refusal(limiter.admit(TENANT, KEY, 1, 5_000));

        // then
        assertThat(refusal.dimension()).isEqualTo(Dimension.TOKENS);
        assertThat(refusal.getMessage()).contains("too large");
        assertThat(owner.claimsReceived).isZero();
    }

    @Test
    void shouldChargeAnswerTokensBeyondThePromptToTheOwner() {
        // given an admitted request whose prompt was 100 tokens, with a 1000-token limit
        tenantLimits(0, 1_000L, 1);
        RateLimiter limiter = replica();
        List<RateLimiter.Admission> admitted = new ArrayList<>();
        limiter.admit(TENANT, KEY, 0, 100).subscribe(admitted::add);
        owner.answerAll();

        // when its answer really used 900 tokens
        limiter.settle(admitted.get(0), 900);
        owner.answerAll();

        // then the owner has charged all 900 and only 100 are left
        assertThat(owner.grantedTokens("t:" + TENANT)).isEqualTo(900);
        assertThat(limiter.status(TENANT, KEY).remainingTokens()).isEqualTo(100);
    }

    @Test
    void shouldReturnUnusedPromptTokensToTheLease() {
        // given
        tenantLimits(0, 1_000L, 1);
        RateLimiter limiter = replica();
        List<RateLimiter.Admission> admitted = new ArrayList<>();
        limiter.admit(TENANT, KEY, 0, 400).subscribe(admitted::add);
        owner.answerAll();

        // when the request used none (it failed before the model)
        limiter.settle(admitted.get(0), 0);

        // then a request of 400 tokens fits again without a claim
        int claims = owner.claimsReceived;
        List<Object> second = new ArrayList<>();
        limiter.admit(TENANT, KEY, 0, 400).subscribe(second::add);
        assertThat(second).hasSize(1);
        assertThat(owner.claimsReceived).isEqualTo(claims);
    }

    @Test
    void shouldFailWaitingRequestsAsUnavailableWhenNoOwnerAnswers() {
        // given
        tenantLimits(10, null, 1);
        owner.failing = true;
        RateLimiter limiter = replica();
        List<Throwable> errors = new ArrayList<>();

        // when
        limiter.admit(TENANT, KEY, 1, 0).subscribe(a -> { }, errors::add);
        owner.answerAll();

        // then
        assertThat(errors).singleElement().isInstanceOf(RateLimiterUnavailableException.class);
    }

    @Test
    void shouldCostNothingWithoutLimits() {
        // given a tenant without limits
        tenantLimits(0, null, 1);
        RateLimiter limiter = replica();

        // when / then
        assertThat(admitAll(limiter, 100)).isEqualTo(100);
        assertThat(owner.claimsReceived).isZero();
        assertThat(limiter.budgetCount()).isZero();
    }

    private RateLimiter replica() {
        return new RateLimiter(limits, owner, refusals, nanos::get, 10_000, Duration.ofMillis(250));
    }

    private void tenantLimits(int rpm, Long tpm, long version) {
        limits.applyTenant(TENANT, Tenant.newBuilder().setId(TENANT).setName("t").setPlan(Plan.FREE)
                .setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(rpm).setTokensPerDay(0)
                .setTokensPerMinute(tpm).setUpdatedAt(Instant.ofEpochMilli(version)).build());
    }

    /** Sends {@code n} requests one after another, answering claims as needed; returns how many were admitted. */
    private int admitAll(RateLimiter limiter, int n) {
        int admitted = 0;
        for (int i = 0; i < n; i++) {
            List<Object> out = new ArrayList<>();
            limiter.admit(TENANT, KEY, 1, 0).subscribe(out::add, out::add);
            owner.answerAll();
            if (!out.isEmpty() && out.get(0) instanceof RateLimiter.Admission) {
                admitted++;
            }
        }
        return admitted;
    }

    private RateLimitExceededException refusal(Mono<RateLimiter.Admission> admission) {
        List<Throwable> errors = new ArrayList<>();
        admission.subscribe(a -> { }, errors::add);
        owner.answerAll();
        assertThat(errors).singleElement().isInstanceOf(RateLimitExceededException.class);
        return (RateLimitExceededException) errors.get(0);
    }
}
