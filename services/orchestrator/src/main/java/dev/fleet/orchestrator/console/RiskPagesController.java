package dev.fleet.orchestrator.console;

import java.math.BigDecimal;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import dev.fleet.events.v1.RiskCaseResolution;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.orchestrator.domain.CanonicalUuid;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantStore;
import dev.fleet.orchestrator.domain.risk.CaseConflictException;
import dev.fleet.orchestrator.domain.risk.CaseQuery;
import dev.fleet.orchestrator.domain.risk.CaseReview;
import dev.fleet.orchestrator.domain.risk.CaseStatus;
import dev.fleet.orchestrator.domain.risk.OpenQueue;
import dev.fleet.orchestrator.domain.risk.RiskCase;
import dev.fleet.orchestrator.domain.risk.RiskCases;

import reactor.core.publisher.Mono;

/**
 * The console's risk review pages: {@code /console/risk} chooses a tenant (by id, or from the tenants with
 * cases awaiting a decision), {@code /console/tenants/{id}/risk} is the tenant's queue (oldest or highest
 * score first, by status), and {@code …/risk/cases/{caseId}} a case: its transaction, reasons, features and
 * reviews, with approve and decline forms. The reviewer is the signed-in name; the four-eyes rule is shown
 * (no approve button for someone who already reviewed) and enforced by {@link RiskCases} as in the JSON API,
 * whose refusal comes back as a problem.
 */
@Controller
public class RiskPagesController {

    static final int PAGE_SIZE = 50;
    static final int CHOOSER_SIZE = 50;
    private static final int MAX_NOTE = 1000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** The status filters the queue offers: query value and label. */
    private static final List<Map.Entry<String, String>> STATUS_OPTIONS = List.of(
            Map.entry("open,escalated", "Awaiting a decision (open and escalated)"), Map.entry("open", "Open"),
            Map.entry("escalated", "Escalated (past the SLA)"), Map.entry("decided", "Decided"),
            Map.entry("open,escalated,decided", "All"));

    private final RiskCases cases;
    private final TenantStore tenants;
    private final Clock clock;

    public RiskPagesController(RiskCases cases, TenantStore tenants, Clock clock) {
        this.cases = cases;
        this.tenants = tenants;
        this.clock = clock;
    }

    /** The tenant chooser: a tenant id (the form sends {@code ?tenant=}) or one of the tenants with waiting cases. */
    @GetMapping("/console/risk")
    Mono<String> chooser(@RequestParam(required = false) String tenant, Model model) {
        if (tenant != null && !tenant.isBlank()) {
            Optional<UUID> id = uuid(tenant.strip());
            if (id.isPresent()) {
                return tenants.findTenant(id.get())
                        .map(found -> "redirect:/console/tenants/" + found.id() + "/risk")
                        .switchIfEmpty(Mono.defer(() -> {
                            model.addAttribute("tenantProblem", "There is no tenant " + id.get() + ".");
                            model.addAttribute("tenantValue", tenant);
                            return queues(model);
                        }));
            }
            model.addAttribute("tenantProblem", "A tenant id is a UUID, such as 0f8fad5b-d9cb-469f-a165-70867728950e.");
            model.addAttribute("tenantValue", tenant);
        }
        return queues(model);
    }

    private Mono<String> queues(Model model) {
        Instant now = clock.instant();
        return cases.openQueues(CHOOSER_SIZE)
                .concatMap(queue -> tenants.findTenant(queue.tenantId())
                        .map(t -> new QueueRow(t.id(), t.name(), queue, age(queue.oldestOpenedAt(), now)))
                        .defaultIfEmpty(new QueueRow(queue.tenantId(), "(unknown tenant)", queue,
                                age(queue.oldestOpenedAt(), now))))
                .collectList()
                .map(rows -> {
                    model.addAttribute("queues", rows);
                    model.addAttribute("queuesFull", rows.size() >= CHOOSER_SIZE);
                    return "console/risk";
                });
    }

    /** A tenant's queue. */
    @GetMapping("/console/tenants/{tenantId}/risk")
    Mono<String> queue(@PathVariable String tenantId, @RequestParam MultiValueMap<String, String> query,
            Model model) {
        String sort = query.getOrDefault("sort", List.of("age")).get(0);
        String status = query.getOrDefault("status", List.of("open,escalated")).get(0);
        int offset = integer(query.getFirst("offset"));
        CaseQuery.Sort order = switch (sort) {
            case "age" -> CaseQuery.Sort.AGE;
            case "score" -> CaseQuery.Sort.SCORE;
            default -> throw badRequest("sort must be age (oldest first) or score (highest first)");
        };
        Set<CaseStatus> statuses = statuses(status);
        CaseQuery caseQuery = new CaseQuery(statuses, null, null, order, PAGE_SIZE + 1, offset);
        return tenant(tenantId).flatMap(tenant -> {
            Instant now = clock.instant();
            return cases.list(tenant.id(), caseQuery).map(c -> row(c, now)).collectList().map(rows -> {
                model.addAttribute("tenant", tenant);
                model.addAttribute("rows", rows.subList(0, Math.min(PAGE_SIZE, rows.size())));
                model.addAttribute("sort", sort);
                model.addAttribute("status", status);
                model.addAttribute("statusOptions", STATUS_OPTIONS);
                model.addAttribute("offset", offset);
                model.addAttribute("nextOffset", rows.size() > PAGE_SIZE ? offset + PAGE_SIZE : -1);
                model.addAttribute("previousOffset", offset > 0 ? Math.max(0, offset - PAGE_SIZE) : -1);
                model.addAttribute("fourEyesAmount", cases.fourEyes().threshold().toPlainString());
                return "console/risk-cases";
            });
        });
    }

    /** One case, with what the signed-in reviewer may do with it. */
    @GetMapping("/console/tenants/{tenantId}/risk/cases/{caseId}")
    Mono<String> riskCase(@PathVariable String tenantId, @PathVariable String caseId, Mono<Principal> principal,
            Model model) {
        UUID id = uuid(caseId).orElseThrow(() -> caseNotFound(caseId));
        return tenant(tenantId).flatMap(tenant -> cases.find(tenant.id(), id)
                .switchIfEmpty(Mono.error(() -> caseNotFound(caseId)))
                .zipWith(principal.map(Principal::getName))
                .map(both -> {
                    RiskCase c = both.getT1();
                    String reviewer = both.getT2();
                    Instant now = clock.instant();
                    model.addAttribute("tenant", tenant);
                    model.addAttribute("c", row(c, now));
                    model.addAttribute("reasons", c.decision().getReasons());
                    model.addAttribute("features", features(c.decision().getFeatures()));
                    model.addAttribute("transaction", transaction(c));
                    model.addAttribute("reviews", c.reviews().stream().map(RiskPagesController::review).toList());
                    model.addAttribute("review", ReviewOptions.of(c, reviewer, cases.fourEyes().needsTwo(c),
                            cases.fourEyes().threshold()));
                    return "console/risk-case";
                }));
    }

    /** Approves or declines the case as the signed-in reviewer; the four-eyes rule is {@link RiskCases}'s. */
    @PostMapping("/console/tenants/{tenantId}/risk/cases/{caseId}/decision")
    Mono<String> decide(@PathVariable String tenantId, @PathVariable String caseId, Mono<Principal> principal,
            ServerWebExchange exchange) {
        UUID id = uuid(caseId).orElseThrow(() -> caseNotFound(caseId));
        return tenant(tenantId).flatMap(tenant -> Mono.zip(exchange.getFormData(), principal.map(Principal::getName))
                .flatMap(both -> {
                    String page = "/console/tenants/" + tenant.id() + "/risk/cases/" + id;
                    String resolutionText = both.getT1().getFirst("resolution");
                    String note = Optional.ofNullable(both.getT1().getFirst("note")).orElse("").strip();
                    RiskCaseResolution resolution;
                    if ("approve".equals(resolutionText)) {
                        resolution = RiskCaseResolution.APPROVED;
                    } else if ("decline".equals(resolutionText)) {
                        resolution = RiskCaseResolution.DECLINED;
                    } else {
                        return Mono.just(redirect(page, "problem", "Choose approve or decline."));
                    }
                    if (note.isEmpty()) {
                        return Mono.just(redirect(page, "problem",
                                "Write a note: why you " + resolutionText + " the transaction."));
                    }
                    if (note.length() > MAX_NOTE) {
                        return Mono.just(redirect(page, "problem", "The note is longer than " + MAX_NOTE
                                + " characters."));
                    }
                    return cases.review(tenant.id(), id, resolution, both.getT2(), note)
                            .map(after -> redirect(page, "done", outcome(after, resolution)))
                            .switchIfEmpty(Mono.error(() -> caseNotFound(caseId)))
                            .onErrorResume(CaseConflictException.class,
                                    e -> Mono.just(redirect(page, "problem", "Refused: " + e.getMessage() + ".")));
                }));
    }

    private static String outcome(RiskCase after, RiskCaseResolution resolution) {
        if (after.status() == CaseStatus.DECIDED) {
            return after.resolution() == RiskCaseResolution.APPROVED
                    ? "The case is decided: the transaction is approved."
                    : "The case is decided: the transaction is declined.";
        }
        return resolution == RiskCaseResolution.APPROVED
                ? "Your approval is recorded. The amount is above the four-eyes amount: a second, different "
                        + "reviewer must approve before the transaction is released."
                : "Your review is recorded.";
    }

    private Mono<Tenant> tenant(String tenantId) {
        UUID id = uuid(tenantId).orElseThrow(() -> ConsoleModel.notFound("There is no tenant " + tenantId + "."));
        return tenants.findTenant(id)
                .switchIfEmpty(Mono.error(() -> ConsoleModel.notFound("There is no tenant " + tenantId + ".")));
    }

    private static ResponseStatusException caseNotFound(String caseId) {
        return ConsoleModel.notFound("This tenant has no risk case " + caseId + ".");
    }

    private static ResponseStatusException badRequest(String message) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, message);
    }

    private static Set<CaseStatus> statuses(String text) {
        Set<CaseStatus> statuses = EnumSet.noneOf(CaseStatus.class);
        for (String label : text.split(",")) {
            statuses.add(CaseStatus.parse(label.strip()).orElseThrow(() -> badRequest(
                    "status must be a comma-separated list of open, escalated, decided")));
        }
        return statuses;
    }

    private static int integer(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw badRequest("offset must be a whole number from 0 up");
    }

    static Optional<UUID> uuid(String text) {
        return CanonicalUuid.parse(text);
    }

    private static String redirect(String page, String kind, String message) {
        return "redirect:" + ConsoleModel.flash(page, kind, message);
    }

    private static CaseRow row(RiskCase c, Instant now) {
        String sla;
        if (c.status() == CaseStatus.DECIDED) {
            sla = "decided " + ago(c.decidedAt(), now);
        } else if (c.status() == CaseStatus.ESCALATED) {
            sla = "escalated: past its SLA since " + time(c.dueAt());
        } else if (!c.dueAt().isAfter(now)) {
            sla = "overdue by " + duration(Duration.between(c.dueAt(), now));
        } else {
            sla = "due in " + duration(Duration.between(now, c.dueAt()));
        }
        String verdict = c.decision().getVerdict().name().toLowerCase(Locale.ROOT);
        if (c.resolution() != null) {
            verdict = verdict + " → " + c.resolution().name().toLowerCase(Locale.ROOT);
        }
        return new CaseRow(c.id(), c.transactionId(), c.accountId(), c.amount().toPlainString() + " " + c.currency(),
                score(c.score()), c.status().label(), c.status() == CaseStatus.ESCALATED, verdict,
                age(c.openedAt(), now), sla, time(c.openedAt()), time(c.dueAt()),
                c.escalatedAt() == null ? null : time(c.escalatedAt()),
                c.decidedAt() == null ? null : time(c.decidedAt()), c.ruleSetVersion(), c.reviews().size());
    }

    private static List<Map.Entry<String, String>> features(RiskFeatures features) {
        List<Map.Entry<String, String>> values = new ArrayList<>();
        for (var field : features.getSchema().getFields()) {
            Object value = features.get(field.pos());
            values.add(Map.entry(field.name(), value == null ? "—" : String.valueOf(value)));
        }
        return values;
    }

    private static List<Map.Entry<String, String>> transaction(RiskCase c) {
        var d = c.decision();
        return List.of(Map.entry("Transaction", d.getTransactionId()), Map.entry("Account", d.getAccountId()),
                Map.entry("Amount", d.getAmount().getAmount() + " " + d.getAmount().getCurrency()),
                Map.entry("Occurred", time(d.getOccurredAt())), Map.entry("Decided by the scorer", time(d.getDecidedAt())),
                Map.entry("Scorer's verdict", d.getVerdict().name().toLowerCase(Locale.ROOT)),
                Map.entry("Score", score(d.getScore())),
                Map.entry("Rule set version", d.getRuleSetVersion() == 0 ? "0 (the built-in default)"
                        : String.valueOf(d.getRuleSetVersion())));
    }

    private static ReviewRow review(CaseReview r) {
        return new ReviewRow(r.reviewer(), r.resolution() == RiskCaseResolution.APPROVED ? "approved" : "declined",
                r.reason(), time(r.reviewedAt()));
    }

    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    private static String score(double score) {
        return score == Math.rint(score) ? String.valueOf((long) score) : String.format(Locale.ROOT, "%.2f", score);
    }

    private static String age(Instant since, Instant now) {
        return duration(Duration.between(since, now));
    }

    private static String ago(Instant since, Instant now) {
        return duration(Duration.between(since, now)) + " ago";
    }

    /** A duration for people: "3 d 4 h", "2 h 5 min", "7 min", "less than a minute". */
    static String duration(Duration d) {
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        if (days > 0) {
            return days + " d " + hours + " h";
        }
        if (hours > 0) {
            return hours + " h " + minutes + " min";
        }
        if (minutes > 0) {
            return minutes + " min";
        }
        return "less than a minute";
    }

    /** A case as the pages show it. */
    public record CaseRow(UUID id, String transactionId, String accountId, String amount, String score, String status,
            boolean escalated, String verdict, String age, String sla, String openedAt, String dueAt, String escalatedAt,
            String decidedAt, int ruleSetVersion, int reviewCount) {
    }

    /** A tenant in the chooser. */
    public record QueueRow(UUID tenantId, String name, OpenQueue queue, String oldestAge) {
    }

    /** One review of a case. */
    public record ReviewRow(String reviewer, String resolution, String note, String reviewedAt) {
    }

    /**
     * What the signed-in reviewer may do with a case, and why: nothing once it is decided or once they reviewed
     * it (a second review must come from someone else); otherwise approve or decline, the approval deciding the
     * case unless the amount is above the four-eyes amount and nobody else has approved yet.
     */
    public record ReviewOptions(String reviewer, boolean decided, boolean alreadyReviewed, boolean fourEyes,
            String fourEyesAmount, List<String> otherApprovers, boolean canReview) {

        static ReviewOptions of(RiskCase c, String reviewer, boolean needsTwo, BigDecimal threshold) {
            boolean decided = c.status() == CaseStatus.DECIDED;
            boolean already = c.reviews().stream().anyMatch(r -> r.reviewer().equals(reviewer));
            List<String> approvers = c.reviews().stream()
                    .filter(r -> r.resolution() == RiskCaseResolution.APPROVED && !r.reviewer().equals(reviewer))
                    .map(CaseReview::reviewer).toList();
            return new ReviewOptions(reviewer, decided, already, needsTwo,
                    threshold.toPlainString() + " " + c.currency(), approvers, !decided && !already);
        }

        /** True when this reviewer's approval leaves the case open for a second reviewer. */
        public boolean approvalIsFirstOfTwo() {
            return fourEyes && otherApprovers.isEmpty();
        }
    }
}
