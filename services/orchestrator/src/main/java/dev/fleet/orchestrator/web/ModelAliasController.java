package dev.fleet.orchestrator.web;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.fleet.events.v1.Experiment;
import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.ModelAlias;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.domain.routing.AliasAdmin;
import dev.fleet.orchestrator.domain.routing.AliasRules;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorHandler;

import reactor.core.publisher.Mono;

/**
 * The model alias admin API under {@code /admin/models/aliases} (admin token): put an alias's
 * ordered targets, start or end a weighted experiment on it, list, read and remove aliases. Changes
 * answer once they are committed and their {@code fleet.model-aliases.v1} record is acknowledged
 * (503 with {@code Retry-After} otherwise, like every admin write); unknown aliases are 404,
 * refused changes 400 (409 for re-weighting a running experiment).
 */
@RestController
@RequestMapping("/admin/models/aliases")
public class ModelAliasController {

    private final AliasAdmin admin;

    public ModelAliasController(AliasAdmin admin) {
        this.admin = admin;
    }

    /** {@code {"provider": "openai", "model": "gpt-4o-mini"}}. */
    public record TargetBody(String provider, String model) {
    }

    /** {@code {"targets": [...]}}, the first preferred. */
    public record TargetsBody(List<TargetBody> targets) {
    }

    /** {@code {"name": "control", "weight": 90, "targets": [...]}}. */
    public record ArmBody(String name, Integer weight, List<TargetBody> targets) {
    }

    /** {@code {"name": "tone-test", "arms": [...]}}. */
    public record ExperimentBody(String name, List<ArmBody> arms) {
    }

    @PutMapping("/{alias}")
    public Mono<ResponseEntity<Map<String, Object>>> put(@PathVariable String alias, @RequestBody TargetsBody body) {
        List<ModelTarget> targets = body == null ? null : targets(body.targets());
        return admin.putTargets(alias, targets).map(saved -> saved.created()
                ? ResponseEntity.created(URI.create("/admin/models/aliases/" + alias)).body(view(saved.alias()))
                : ResponseEntity.ok(view(saved.alias())));
    }

    @GetMapping
    public Mono<Map<String, Object>> list() {
        return admin.all().map(ModelAliasController::view).collectList()
                .map(aliases -> Map.of("object", "list", "data", aliases));
    }

    @GetMapping("/{alias}")
    public Mono<Map<String, Object>> get(@PathVariable String alias) {
        return found(alias, admin.find(alias));
    }

    @DeleteMapping("/{alias}")
    public Mono<Map<String, Object>> delete(@PathVariable String alias) {
        return found(alias, admin.remove(alias)).map(removed -> Map.of("alias", alias, "deleted", true));
    }

    @PutMapping("/{alias}/experiment")
    public Mono<Map<String, Object>> putExperiment(@PathVariable String alias, @RequestBody ExperimentBody body) {
        if (body == null) {
            throw new AliasRules.InvalidAliasException("name and arms are required", "name");
        }
        List<ExperimentArm> arms = body.arms() == null ? null : body.arms().stream()
                .map(arm -> arm == null ? null : new ExperimentArm(arm.name(),
                        arm.weight() == null ? 0 : arm.weight(), targets(arm.targets())))
                .toList();
        return found(alias, admin.putExperiment(alias, body.name(), arms));
    }

    @DeleteMapping("/{alias}/experiment")
    public Mono<Map<String, Object>> endExperiment(@PathVariable String alias) {
        return found(alias, admin.endExperiment(alias));
    }

    @ExceptionHandler(AliasRules.InvalidAliasException.class)
    ResponseEntity<Map<String, Object>> invalid(AliasRules.InvalidAliasException e) {
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.invalidRequest(e.getMessage(), e.parameter())));
    }

    @ExceptionHandler(AliasAdmin.ExperimentRunningException.class)
    ResponseEntity<Map<String, Object>> running(AliasAdmin.ExperimentRunningException e) {
        return ApiErrorHandler.respond(new ApiErrorException(new ApiError(HttpStatus.CONFLICT, e.getMessage(),
                "invalid_request_error", "arms", "experiment_running")));
    }

    @ExceptionHandler(ChangeNotDeliveredException.class)
    ResponseEntity<Map<String, Object>> notDelivered(ChangeNotDeliveredException e) {
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.unavailable(
                "The event bus did not acknowledge the change in time; nothing was changed. Retry shortly.",
                "event_bus_unavailable"), Duration.ofSeconds(1)));
    }

    private static Mono<Map<String, Object>> found(String alias, Mono<ModelAlias> result) {
        return result.map(ModelAliasController::view).switchIfEmpty(Mono.error(() -> new ApiErrorException(
                ApiError.notFound("no model alias '" + alias + "'", "model_alias_not_found"))));
    }

    private static List<ModelTarget> targets(List<TargetBody> targets) {
        return targets == null ? null : targets.stream()
                .map(t -> t == null ? null : new ModelTarget(t.provider(), t.model()))
                .toList();
    }

    static Map<String, Object> view(ModelAlias alias) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("alias", alias.getAlias());
        body.put("targets", targetViews(alias.getTargets()));
        Experiment experiment = alias.getExperiment();
        if (experiment == null) {
            body.put("experiment", null);
        } else {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", experiment.getName());
            view.put("arms", experiment.getArms().stream().map(arm -> Map.of("name", arm.getName(),
                    "weight", arm.getWeight(), "targets", targetViews(arm.getTargets()))).toList());
            view.put("started_at", experiment.getStartedAt().toString());
            body.put("experiment", view);
        }
        body.put("updated_at", alias.getUpdatedAt().toString());
        return body;
    }

    private static List<Map<String, String>> targetViews(List<ModelTarget> targets) {
        return targets.stream().map(t -> Map.of("provider", t.getProvider(), "model", t.getModel())).toList();
    }
}
