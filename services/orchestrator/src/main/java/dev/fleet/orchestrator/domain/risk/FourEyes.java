package dev.fleet.orchestrator.domain.risk;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.fleet.events.v1.RiskCaseResolution;

/**
 * The four-eyes rule: releasing a held transaction whose amount is above {@code threshold} (in the
 * transaction's own currency, no conversion) needs the approval of two distinct reviewers; anything
 * else is decided by one. A decline always decides at once: it cancels the transaction, the safe
 * direction, so one reviewer who sees fraud must not be overruled or kept waiting (decision 0036).
 */
public record FourEyes(BigDecimal threshold) {

    /**
     * What {@code review} does to {@code riskCase}: the reviewers that decide it, in order, or empty
     * when it is the first approval above the threshold and the case awaits a second reviewer.
     *
     * @throws CaseConflictException when the case is decided or the reviewer has reviewed it
     */
    public Optional<List<String>> decides(RiskCase riskCase, CaseReview review) {
        if (riskCase.status() == CaseStatus.DECIDED) {
            throw new CaseConflictException("case " + riskCase.id() + " is already decided ("
                    + riskCase.resolution().name().toLowerCase(Locale.ROOT) + ")", "case_decided");
        }
        if (riskCase.reviews().stream().anyMatch(r -> r.reviewer().equals(review.reviewer()))) {
            throw new CaseConflictException("reviewer " + review.reviewer() + " already reviewed case "
                    + riskCase.id() + "; a second approval must come from another reviewer", "same_reviewer");
        }
        if (review.resolution() == RiskCaseResolution.DECLINED || !needsTwo(riskCase)) {
            return Optional.of(List.of(review.reviewer()));
        }
        List<String> approvers = new ArrayList<>(riskCase.reviews().stream()
                .filter(r -> r.resolution() == RiskCaseResolution.APPROVED).map(CaseReview::reviewer).toList());
        if (approvers.isEmpty()) {
            return Optional.empty();
        }
        approvers.add(review.reviewer());
        return Optional.of(List.copyOf(approvers));
    }

    /** True when approving the case takes two reviewers. */
    public boolean needsTwo(RiskCase riskCase) {
        return riskCase.amount().compareTo(threshold) > 0;
    }
}
