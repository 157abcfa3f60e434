package dev.fleet.orchestrator.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.fleet.orchestrator.domain.CanonicalUuid;
import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.domain.prompts.PromptAdmin;
import dev.fleet.orchestrator.domain.prompts.PromptConfig;
import dev.fleet.orchestrator.domain.prompts.PromptDiff;
import dev.fleet.orchestrator.domain.prompts.PromptNames;
import dev.fleet.orchestrator.domain.prompts.PromptTemplate;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorHandler;

import reactor.core.publisher.Mono;

/**
 * The prompt admin API under {@code /admin/tenants/{tenantId}/prompts/{name}} (admin token): create
 * versions, list them with their labels, move a label (the rollback), diff two versions. Changes
 * answer once they are committed and their {@code fleet.prompts.v1} record is acknowledged (503 with
 * {@code Retry-After} otherwise, like every admin write). Unknown tenants, prompts and versions are
 * 404; malformed names, labels, templates and bodies are 400.
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/prompts/{name}")
public class PromptController {

    private final PromptAdmin admin;

    public PromptController(PromptAdmin admin) {
        this.admin = admin;
    }

    /** {@code {"template": "…", "labels": ["staging"]}}. */
    public record CreateVersionRequest(String template, List<String> labels) {
    }

    /** {@code {"version": 2}}. */
    public record MoveLabelRequest(Integer version) {
    }

    @PostMapping("/versions")
    public Mono<ResponseEntity<Map<String, Object>>> createVersion(@PathVariable String tenantId,
            @PathVariable String name, @RequestBody CreateVersionRequest body) {
        checkName(name);
        if (body == null || body.template() == null || body.template().isBlank()) {
            throw invalid("template is required", "template");
        }
        List<String> labels = body.labels() == null ? List.of() : body.labels().stream().distinct().toList();
        labels.forEach(PromptController::checkLabel);
        UUID tenant = tenant(tenantId);
        try {
            PromptTemplate.compile(body.template());
        } catch (PromptTemplate.InvalidTemplateException e) {
            throw invalid(e.getMessage(), "template");
        }
        return admin.createVersion(tenant, name, body.template(), labels)
                .map(prompt -> ResponseEntity.created(URI.create(
                                "/admin/tenants/" + tenantId + "/prompts/" + name + "/versions/"
                                        + prompt.latest().number()))
                        .body(version(prompt, prompt.latest())))
                .switchIfEmpty(Mono.error(() -> tenantNotFound(tenantId)));
    }

    @GetMapping("/versions")
    public Mono<Map<String, Object>> versions(@PathVariable String tenantId, @PathVariable String name) {
        checkName(name);
        return found(tenantId, name).map(prompt -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", prompt.name());
            body.put("labels", prompt.labels());
            body.put("versions", prompt.versions().stream().map(v -> version(prompt, v)).toList());
            return body;
        });
    }

    @PutMapping("/labels/{label}")
    public Mono<Map<String, Object>> moveLabel(@PathVariable String tenantId, @PathVariable String name,
            @PathVariable String label, @RequestBody MoveLabelRequest body) {
        checkName(name);
        checkLabel(label);
        if (body == null || body.version() == null || body.version() < 1) {
            throw invalid("version must be a version number (1, 2, …)", "version");
        }
        UUID tenant = tenant(tenantId);
        return found(tenantId, name)
                .flatMap(existing -> admin.moveLabel(tenant, name, label, body.version()))
                .map(prompt -> Map.<String, Object>of("name", prompt.name(), "label", label, "version",
                        body.version(), "labels", prompt.labels()));
    }

    @GetMapping("/diff")
    public Mono<Map<String, Object>> diff(@PathVariable String tenantId, @PathVariable String name,
            @RequestParam String from, @RequestParam String to) {
        checkName(name);
        int fromVersion = versionParameter(from, "from");
        int toVersion = versionParameter(to, "to");
        return found(tenantId, name).map(prompt -> {
            String a = prompt.version(fromVersion).orElseThrow(() -> versionNotFound(name, fromVersion)).template();
            String b = prompt.version(toVersion).orElseThrow(() -> versionNotFound(name, toVersion)).template();
            List<PromptDiff.Line> lines = PromptDiff.lines(a, b);
            return Map.of("name", name, "from", fromVersion, "to", toVersion,
                    "lines", lines.stream().map(l -> Map.of("change", l.change().name().toLowerCase(java.util.Locale.ROOT),
                            "text", l.text())).toList(),
                    "unified", String.join("\n", lines.stream().map(PromptDiff.Line::unified).toList()));
        });
    }

    @ExceptionHandler(PromptConfig.UnknownVersionException.class)
    ResponseEntity<Map<String, Object>> unknownVersion(PromptConfig.UnknownVersionException e) {
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.notFound(e.getMessage(), "prompt_version_not_found")));
    }

    @ExceptionHandler(ChangeNotDeliveredException.class)
    ResponseEntity<Map<String, Object>> notDelivered(ChangeNotDeliveredException e) {
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.unavailable(
                "The event bus did not acknowledge the change in time; nothing was changed. Retry shortly.",
                "event_bus_unavailable"), java.time.Duration.ofSeconds(1)));
    }

    /** The prompt, or 404 naming what is missing: the tenant or the prompt. */
    private Mono<PromptConfig> found(String tenantId, String name) {
        UUID tenant = tenant(tenantId);
        return admin.tenantExists(tenant).flatMap(exists -> exists
                ? admin.prompt(tenant, name).switchIfEmpty(Mono.error(() -> new ApiErrorException(
                        ApiError.notFound("tenant " + tenantId + " has no prompt '" + name + "'", "prompt_not_found"))))
                : Mono.error(tenantNotFound(tenantId)));
    }

    private static Map<String, Object> version(PromptConfig prompt, PromptConfig.Version version) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", prompt.name());
        body.put("version", version.number());
        body.put("template", version.template());
        body.put("labels", prompt.labelsOf(version.number()));
        body.put("created_at", version.createdAt().toString());
        return body;
    }

    private static int versionParameter(String value, String parameter) {
        try {
            int version = Integer.parseInt(value);
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid(parameter + " must be a version number (1, 2, …)", parameter);
    }

    private static void checkName(String name) {
        if (!PromptNames.isValidName(name)) {
            throw invalid("a prompt name is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit",
                    "name");
        }
    }

    private static void checkLabel(String label) {
        if (!PromptNames.isValidLabel(label)) {
            throw invalid("a label is 1-50 letters, digits, '.', '_' or '-', starting with a letter or digit",
                    "labels");
        }
    }

    /** Ids are UUIDs; anything else names no tenant (404, like an unknown UUID). */
    private static UUID tenant(String id) {
        return CanonicalUuid.parse(id).orElseThrow(() -> tenantNotFound(id));
    }

    private static ApiErrorException invalid(String message, String parameter) {
        return new ApiErrorException(ApiError.invalidRequest(message, parameter));
    }

    private static ApiErrorException tenantNotFound(String id) {
        return new ApiErrorException(ApiError.notFound("no tenant with id " + id, "tenant_not_found"));
    }

    private static ApiErrorException versionNotFound(String name, int version) {
        return new ApiErrorException(ApiError.notFound("the prompt '" + name + "' has no version " + version,
                "prompt_version_not_found"));
    }
}
