package dev.fleet.gateway.web;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.fleet.events.v1.RiskDecision;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.risk.InvalidTransactionException;
import dev.fleet.gateway.domain.risk.RiskTransactions;
import dev.fleet.gateway.domain.risk.TransactionOutcome;
import dev.fleet.platform.risk.TransactionProblem;
import dev.fleet.platform.web.ApiErrorException;

import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/risk/transactions}: the HTTP way for product apps without a Kafka client to submit
 * a transaction for scoring (decision 0037). 202 {@code accepted} once it is on
 * {@code fleet.transactions.v1}; with {@code "wait": true}, 200 with its decision, or 202
 * {@code pending} when the decision did not arrive within {@code FLEET_GATEWAY_RISK_WAIT_TIMEOUT}.
 * A transaction that fails the checks is a 400 naming the field (snake_case), and nothing is published.
 */
@RestController
public class RiskTransactionsController {

    /** The answer without a decision. */
    public record Status(@JsonProperty("transaction_id") String transactionId, String status) {
    }

    /** A rule that fired. */
    public record Reason(String rule, String reason, double score) {
    }

    /** The answer with the decision. */
    public record Decision(@JsonProperty("transaction_id") String transactionId, String decision, double score,
            List<Reason> reasons, @JsonProperty("rule_set_version") int ruleSetVersion) {

        static Decision of(String transactionId, RiskDecision decision) {
            return new Decision(transactionId, decision.getVerdict().name().toLowerCase(Locale.ROOT),
                    decision.getScore(), decision.getReasons().stream()
                            .map(r -> new Reason(r.getRule(), r.getReason(), r.getScore())).toList(),
                    decision.getRuleSetVersion());
        }
    }

    private final RiskTransactions transactions;
    private final Clock clock;

    public RiskTransactionsController(RiskTransactions transactions, Clock clock) {
        this.transactions = transactions;
        this.clock = clock;
    }

    @PostMapping("/v1/risk/transactions")
    public Mono<ResponseEntity<Object>> submit(@RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @RequestBody RiskTransactionRequest body) {
        boolean wait = body.waitsForDecision();
        return transactions.submit(body.toTransaction(caller.tenantId(), clock), wait)
                .onErrorMap(InvalidTransactionException.class, RiskTransactionsController::badRequest)
                .map(RiskTransactionsController::response);
    }

    private static ResponseEntity<Object> response(TransactionOutcome outcome) {
        if (outcome instanceof TransactionOutcome.Decided decided) {
            return ResponseEntity.ok(Decision.of(decided.transactionId(), decided.decision()));
        }
        String status = outcome instanceof TransactionOutcome.Pending ? "pending" : "accepted";
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Status(outcome.transactionId(), status));
    }

    private static ApiErrorException badRequest(InvalidTransactionException e) {
        List<TransactionProblem> problems = e.problems();
        String message = problems.stream().map(p -> snakeCase(p.field()) + " " + p.message())
                .collect(Collectors.joining("; "));
        return RequestMetadata.invalid(message, snakeCase(problems.get(0).field()));
    }

    /** The request's name of a {@code TransactionSubmitted} field: {@code accountId} is {@code account_id}. */
    static String snakeCase(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
