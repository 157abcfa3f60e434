package dev.fleet.orchestrator.config;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.orchestrator.domain.risk.CaseEscalation;
import dev.fleet.orchestrator.domain.risk.CaseStore;
import dev.fleet.orchestrator.domain.risk.FourEyes;
import dev.fleet.orchestrator.domain.risk.RiskCaseEvents;
import dev.fleet.orchestrator.domain.risk.RiskCases;
import dev.fleet.orchestrator.domain.risk.RuleSetAdmin;
import dev.fleet.orchestrator.domain.risk.RuleSetEvents;
import dev.fleet.orchestrator.domain.risk.RuleSetStore;
import dev.fleet.orchestrator.messaging.RiskDecisionListener;

/** Risk: tenants' rule sets, the review cases of REVIEW decisions and their escalation (decision record 0036). */
@Configuration(proxyBeanMethods = false)
public class RiskConfiguration {

    @Bean
    RuleSetAdmin ruleSetAdmin(RuleSetStore store, RuleSetEvents events, Clock clock) {
        return new RuleSetAdmin(store, events, clock);
    }

    @Bean
    RiskCases riskCases(CaseStore store, RiskCaseEvents events, Clock clock, FleetOrchestratorProperties properties) {
        FleetOrchestratorProperties.Risk settings = properties.risk();
        return new RiskCases(store, events, new FourEyes(settings.fourEyesAmount()), settings.caseSla(), clock);
    }

    @Bean
    RiskDecisionListener riskDecisionListener(RiskCases cases, FleetOrchestratorProperties properties) {
        return new RiskDecisionListener(cases, properties.risk().writeTimeout());
    }

    @Bean
    CaseEscalation caseEscalation(RiskCases cases, FleetOrchestratorProperties properties) {
        return new CaseEscalation(cases, properties.risk().escalationInterval());
    }
}
