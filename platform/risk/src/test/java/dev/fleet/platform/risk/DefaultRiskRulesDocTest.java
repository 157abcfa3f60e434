package dev.fleet.platform.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.RiskRule;
import dev.fleet.events.v1.RiskRuleSetVersion;

/** {@code docs/risk.md} lists the default rule set as it is: every rule's id, condition, score and reason. */
class DefaultRiskRulesDocTest {

    private static final Path GUIDE = Path.of("../../docs/risk.md");

    @Test
    void theGuidesTableIsTheDefaultRuleSet() throws IOException {
        String guide = Files.readString(GUIDE);
        RiskRuleSetVersion defaults = DefaultRiskRules.version();

        String table = guide.substring(guide.indexOf("## The default rule set"));
        table = table.substring(0, table.indexOf("\n## ", 1));
        assertThat(table).contains("at " + (long) defaults.getReviewAt() + " it is reviewed, at "
                + (long) defaults.getDeclineAt() + " declined");
        for (RiskRule rule : defaults.getRules()) {
            assertThat(table).as("docs/risk.md's row of %s", rule.getId()).contains("| `" + rule.getId() + "` | `"
                    + rule.getCondition() + "` | " + String.format("%g", rule.getScore()).replaceAll("\\.?0+$", "")
                    + " | " + rule.getReason() + " |");
        }
        assertThat(table.lines().filter(line -> line.startsWith("| `"))).hasSize(defaults.getRules().size());
    }
}
