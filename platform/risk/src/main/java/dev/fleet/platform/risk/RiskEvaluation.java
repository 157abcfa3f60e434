package dev.fleet.platform.risk;

import java.util.List;

import dev.fleet.events.v1.RiskReason;
import dev.fleet.events.v1.RiskVerdict;

/**
 * What a rule set made of one transaction's features.
 *
 * @param verdict approve, review or decline, from the score and the rule set's thresholds
 * @param score the summed score of the rules that held
 * @param reasons the rules that held, highest score first
 */
public record RiskEvaluation(RiskVerdict verdict, double score, List<RiskReason> reasons) {
}
