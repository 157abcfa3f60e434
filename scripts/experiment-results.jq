# Per-arm results of one experiment, computed from fleet.domain.events.v1 alone.
#
#   scripts/fleet topic fleet.domain.events.v1 \
#     | jq -s --arg alias support-bot --arg experiment tone-test -f scripts/experiment-results.jq
#
# Input: the topic as JSON lines (scripts/fleet topic; values in Avro's JSON encoding, so a union
# value is tagged by its type). Events are deduplicated on eventId first: delivery is at least once,
# and a redelivered request's ExperimentOutcome carries the same id. An arm's users are those with
# an ExperimentAssigned (the first assignment, recorded once per tenant and user); its requests are
# the ExperimentOutcomes. Latencies are from the gateway's arrival of a request to its last chunk.

def outcome: .payload["dev.fleet.events.v1.ExperimentOutcome"];
def assigned: .payload["dev.fleet.events.v1.ExperimentAssigned"];
def mean: if length == 0 then null else (add / length | . * 10 | round / 10) end;
def p95: if length == 0 then null else (sort | .[((length * 95 / 100) | ceil) - 1]) end;
def rate: if length == 0 then null else ((map(select(.)) | length) / length | . * 1000 | round / 1000) end;

[.[] | .value? // empty | select(outcome != null or assigned != null)]
| unique_by(.eventId)
| (map(assigned // empty | select(.alias == $alias and .experiment == $experiment))) as $assignments
| map(outcome // empty | select(.alias == $alias and .experiment == $experiment))
| group_by(.arm)
| map(. as $requests | .[0].arm as $arm | {
    arm: $arm,
    users_assigned: ($assignments | map(select(.arm == $arm)) | length),
    requests: length,
    success_rate: (map(.succeeded) | rate),
    latency_ms_mean: (map(.latencyMillis) | mean),
    latency_ms_p95: (map(.latencyMillis) | p95),
    time_to_first_token_ms_mean: (map(.timeToFirstTokenMillis.long // empty) | mean),
    prompt_tokens_mean: (map(.promptTokens) | mean),
    completion_tokens_mean: (map(select(.succeeded) | .completionTokens) | mean),
    completion_tokens_total: (map(.completionTokens) | add),
    errors: (map(.errorCode.string // empty) | group_by(.) | map({key: .[0], value: length}) | from_entries)
  })
