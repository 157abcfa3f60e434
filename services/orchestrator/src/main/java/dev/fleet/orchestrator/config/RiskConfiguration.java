package dev.fleet.orchestrator.config;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.orchestrator.domain.risk.CaseEscalation;
import dev.fleet.orchestrator.domain.risk.CaseStore;
import dev.fleet.orchestrator.domain.risk.FourEyes;
import dev.fleet.orchestrator.domain.risk.RiskCaseEvents;
import dev.fleet.orchestrator.domain.risk.RiskCases;
import dev.fleet.orchestrator.domain.risk.RuleSetAdmin;
import dev.fleet.orchestrator.domain.risk.RuleSetEvents;
import dev.fleet.orchestrator.domain.risk.RuleSetStore;
import dev.fleet.orchestrator.domain.risk.RuleSetStoreLookup;
import dev.fleet.orchestrator.domain.risk.backtest.Backtests;
import dev.fleet.orchestrator.messaging.RiskDecisionListener;
import dev.fleet.orchestrator.messaging.TransactionTopicSource;
import dev.fleet.orchestrator.persistence.R2dbcBacktestStore;
import dev.fleet.platform.kafka.FleetSerde;

/** Risk: tenants' rule sets, the review cases of REVIEW decisions and their escalation, backtests (decision record 0036). */
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

    @Bean(destroyMethod = "close")
    Backtests backtests(RuleSetStore rules, DatabaseClient db, ObjectMapper json, KafkaProperties kafka,
            FleetSerde serde, FleetOrchestratorProperties properties, Clock clock) {
        Map<String, Object> consumer = new HashMap<>(kafka.buildConsumerProperties(null));
        FleetOrchestratorProperties.Risk risk = properties.risk();
        return new Backtests(new RuleSetStoreLookup(rules), new R2dbcBacktestStore(db, json),
                new TransactionTopicSource(consumer, serde), risk.features(), risk.backtest().settings(), clock);
    }
}
