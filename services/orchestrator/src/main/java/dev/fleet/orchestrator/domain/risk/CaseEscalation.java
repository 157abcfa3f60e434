package dev.fleet.orchestrator.domain.risk;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.orchestrator.domain.PeriodicWork;

import reactor.core.publisher.Mono;

/**
 * Escalates open cases past their SLA ({@code FLEET_RISK_CASE_SLA}) every {@code interval}, in
 * batches until none is due. Every replica runs it; a case is escalated by whichever gets its row
 * first ({@code SKIP LOCKED}), once.
 */
public class CaseEscalation extends PeriodicWork {

    private static final Logger log = LoggerFactory.getLogger(CaseEscalation.class);

    private final RiskCases cases;

    public CaseEscalation(RiskCases cases, Duration interval) {
        super("escalating risk cases past their SLA", interval, interval);
        this.cases = cases;
    }

    @Override
    protected Mono<Long> runOnce() {
        return cases.escalateDue()
                .expand(escalated -> escalated == RiskCases.ESCALATION_BATCH ? cases.escalateDue() : Mono.empty())
                .reduce(0L, Long::sum)
                .doOnNext(total -> {
                    if (total > 0) {
                        log.info("escalated {} risk case(s) past their SLA", total);
                    }
                });
    }
}
