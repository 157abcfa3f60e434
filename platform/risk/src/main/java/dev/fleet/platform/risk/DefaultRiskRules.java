package dev.fleet.platform.risk;

import java.time.Instant;
import java.util.List;

import dev.fleet.events.v1.RiskRule;
import dev.fleet.events.v1.RiskRuleSetVersion;

/**
 * The rules a tenant is scored with until it publishes its own (version 0), documented in
 * {@code docs/risk.md}. Review at 50, decline at 90: one strong signal asks a person, two decline.
 */
public final class DefaultRiskRules {

    /** The default rule set's version number. */
    public static final int VERSION = 0;

    private static final RiskRuleSetVersion RULES = new RiskRuleSetVersion(VERSION, List.of(
            new RiskRule("burst_across_countries", "count1h >= 4 and distinctCountries24h >= 3", 60.0,
                    "a burst of transactions from several countries on one account"),
            new RiskRule("amount_far_above_history", "historyCount >= 5 and amountZScore >= 4", 60.0,
                    "the amount is far above the account's history"),
            new RiskRule("impossible_travel", "impossibleTravel", 40.0,
                    "the country changed faster than travel allows"),
            new RiskRule("velocity_1m", "count1m >= 5", 30.0, "five or more transactions within a minute"),
            new RiskRule("many_devices", "distinctDevices24h >= 4", 20.0, "four or more devices in a day"),
            new RiskRule("new_merchant_high_amount", "firstTimeAtMerchant and historyCount >= 5 and amountZScore >= 2",
                    15.0, "an unusually high amount at a merchant the account has not paid before")),
            50.0, 90.0, Instant.EPOCH);

    private static final CompiledRuleSet COMPILED = RiskRuleSets.compile(RULES);

    private DefaultRiskRules() {
    }

    /** The default rules, as a version a tenant could start its own from. */
    public static RiskRuleSetVersion version() {
        return RiskRuleSetVersion.newBuilder(RULES).build();
    }

    /** The default rules, compiled. */
    public static CompiledRuleSet compiled() {
        return COMPILED;
    }
}
