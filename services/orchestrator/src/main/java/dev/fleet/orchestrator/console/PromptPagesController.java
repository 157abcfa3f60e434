package dev.fleet.orchestrator.console;

import java.security.Principal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;

import dev.fleet.orchestrator.domain.CanonicalUuid;
import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.prompts.PromptAdmin;
import dev.fleet.orchestrator.domain.prompts.PromptConfig;
import dev.fleet.orchestrator.domain.prompts.PromptDiff;
import dev.fleet.orchestrator.domain.prompts.PromptNames;
import dev.fleet.orchestrator.domain.prompts.PromptTemplate;

import reactor.core.publisher.Mono;

/**
 * A tenant's prompts in the console: the list (with a form for a new prompt or version), one prompt's versions
 * and labels, a side-by-side diff of two versions, moving a label (the rollback) after a confirmation page that
 * shows the change as a diff, and the playground ({@link PlaygroundPage}). Changes name the signed-in user as
 * their actor. Limits: the list reads each prompt whole (a tenant has tens of prompts, not thousands).
 */
@Controller
@RequestMapping("/console/tenants/{tenantId}/prompts")
public class PromptPagesController {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String NOT_DELIVERED =
            "The event bus did not acknowledge the change in time; nothing was changed. Retry shortly.";

    private final PromptAdmin prompts;
    private final TenantAdmin tenants;
    private final PlaygroundPage playground;

    public PromptPagesController(PromptAdmin prompts, TenantAdmin tenants, PlaygroundGateway gateway) {
        this.prompts = prompts;
        this.tenants = tenants;
        this.playground = new PlaygroundPage(tenants, gateway);
    }

    /** A row of the list: a prompt's name, newest version, labels and last change. */
    public record PromptRow(String name, int latest, Map<String, Integer> labels, String updatedAt) {
    }

    /** A row of a prompt's versions table, newest first. */
    public record VersionRow(int number, String template, List<String> labels, String createdAt) {
    }

    /** What a form had typed, kept when it is shown again with its problem. */
    public record VersionForm(String name, String template, String labels, String problem) {
    }

    // ---- the list ----

    @GetMapping
    Mono<String> list(@PathVariable String tenantId, Model model) {
        return tenant(tenantId).flatMap(tenant -> list(tenant, new VersionForm("", "", "production", null), model));
    }

    @PostMapping
    Mono<String> create(@PathVariable String tenantId, ServerWebExchange exchange, Mono<Principal> principal,
            Model model) {
        return tenant(tenantId).flatMap(tenant -> exchange.getFormData().zipWith(principal).flatMap(both -> {
            MultiValueMap<String, String> form = both.getT1();
            String name = field(form, "name").trim();
            VersionForm typed = new VersionForm(name, field(form, "template"), field(form, "labels"), null);
            String problem = PromptNames.isValidName(name) ? versionProblem(typed)
                    : "A prompt's name is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit.";
            if (problem != null) {
                exchange.getResponse().setStatusCode(HttpStatus.BAD_REQUEST);
                return list(tenant, withProblem(typed, problem), model);
            }
            return createVersion(tenant, typed, both.getT2().getName());
        }));
    }

    private Mono<String> list(Tenant tenant, VersionForm form, Model model) {
        return prompts.names(tenant.id())
                .concatMap(name -> prompts.prompt(tenant.id(), name))
                .map(p -> new PromptRow(p.name(), p.latest().number(), p.labels(), TIME.format(p.updatedAt())))
                .collectList()
                .map(rows -> {
                    model.addAttribute("tenant", tenant);
                    model.addAttribute("prompts", rows);
                    model.addAttribute("form", form);
                    return "console/prompts";
                });
    }

    // ---- one prompt ----

    @GetMapping("/{name}")
    Mono<String> prompt(@PathVariable String tenantId, @PathVariable String name, Model model) {
        return tenantAndPrompt(tenantId, name).flatMap(found -> {
            PromptConfig prompt = found.prompt();
            return Mono.just(prompt(found.tenant(), prompt,
                    new VersionForm(name, prompt.latest().template(), "", null), model));
        });
    }

    @PostMapping("/{name}/versions")
    Mono<String> newVersion(@PathVariable String tenantId, @PathVariable String name, ServerWebExchange exchange,
            Mono<Principal> principal, Model model) {
        return tenantAndPrompt(tenantId, name).flatMap(found -> exchange.getFormData().zipWith(principal)
                .flatMap(both -> {
                    VersionForm typed = new VersionForm(name, field(both.getT1(), "template"),
                            field(both.getT1(), "labels"), null);
                    String problem = versionProblem(typed);
                    if (problem != null) {
                        exchange.getResponse().setStatusCode(HttpStatus.BAD_REQUEST);
                        return Mono.just(prompt(found.tenant(), found.prompt(), withProblem(typed, problem), model));
                    }
                    return createVersion(found.tenant(), typed, both.getT2().getName());
                }));
    }

    private String prompt(Tenant tenant, PromptConfig prompt, VersionForm form, Model model) {
        List<VersionRow> versions = new ArrayList<>();
        for (int i = prompt.versions().size() - 1; i >= 0; i--) {
            PromptConfig.Version v = prompt.versions().get(i);
            versions.add(new VersionRow(v.number(), v.template(), prompt.labelsOf(v.number()),
                    TIME.format(v.createdAt())));
        }
        int latest = prompt.latest().number();
        model.addAttribute("tenant", tenant);
        model.addAttribute("prompt", prompt);
        model.addAttribute("versions", versions);
        model.addAttribute("form", form);
        model.addAttribute("diffFrom", Math.max(1, latest - 1));
        model.addAttribute("diffTo", latest);
        return "console/prompt";
    }

    private Mono<String> createVersion(Tenant tenant, VersionForm typed, String actor) {
        List<String> labels = labels(typed.labels());
        return prompts.createVersion(tenant.id(), typed.name(), typed.template(), labels, actor)
                .map(created -> {
                    int number = created.latest().number();
                    String done = "Version " + number + " of '" + created.name() + "' saved"
                            + (labels.isEmpty() ? "." : "; " + String.join(", ", labels) + " now "
                            + (labels.size() == 1 ? "points" : "point") + " to it.");
                    return redirect(promptPath(tenant.id(), created.name()), "done", done);
                })
                .onErrorResume(ChangeNotDeliveredException.class, e -> Mono.just(
                        redirect(promptsPath(tenant.id()), "problem", NOT_DELIVERED)));
    }

    // ---- diff ----

    @GetMapping("/{name}/diff")
    Mono<String> diff(@PathVariable String tenantId, @PathVariable String name,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to, Model model) {
        return tenantAndPrompt(tenantId, name).map(found -> {
            PromptConfig prompt = found.prompt();
            PromptConfig.Version a = version(prompt, from);
            PromptConfig.Version b = version(prompt, to);
            model.addAttribute("tenant", found.tenant());
            model.addAttribute("prompt", prompt);
            model.addAttribute("from", a.number());
            model.addAttribute("to", b.number());
            model.addAttribute("rows", SideBySide.rows(a.template(), b.template()));
            return "console/prompt-diff";
        });
    }

    // ---- moving a label ----

    @GetMapping("/{name}/labels/confirm")
    Mono<String> confirmLabel(@PathVariable String tenantId, @PathVariable String name,
            @RequestParam(required = false) String label, @RequestParam(required = false) String version,
            Model model) {
        return tenantAndPrompt(tenantId, name).map(found -> {
            PromptConfig prompt = found.prompt();
            String chosen = label == null ? "" : label.trim();
            if (!PromptNames.isValidLabel(chosen)) {
                return redirect(promptPath(found.tenant().id(), name), "problem",
                        "A label is 1-50 letters, digits, '.', '_' or '-', starting with a letter or digit.");
            }
            PromptConfig.Version target = version(prompt, version);
            Integer current = prompt.labels().get(chosen);
            model.addAttribute("tenant", found.tenant());
            model.addAttribute("prompt", prompt);
            model.addAttribute("label", chosen);
            model.addAttribute("target", target.number());
            model.addAttribute("current", current);
            if (current != null && current != target.number()) {
                model.addAttribute("rows", SideBySide.rows(prompt.version(current).orElseThrow().template(),
                        target.template()));
            }
            model.addAttribute("targetTemplate", target.template());
            return "console/prompt-label-confirm";
        });
    }

    @PostMapping("/{name}/labels")
    Mono<String> moveLabel(@PathVariable String tenantId, @PathVariable String name, ServerWebExchange exchange,
            Mono<Principal> principal) {
        return tenantAndPrompt(tenantId, name).flatMap(found -> exchange.getFormData().zipWith(principal)
                .flatMap(both -> {
                    String label = field(both.getT1(), "label").trim();
                    String path = promptPath(found.tenant().id(), name);
                    if (!PromptNames.isValidLabel(label)) {
                        return Mono.just(redirect(path, "problem", "That is not a valid label."));
                    }
                    int version = version(found.prompt(), field(both.getT1(), "version")).number();
                    Integer before = found.prompt().labels().get(label);
                    return prompts.moveLabel(found.tenant().id(), name, label, version, both.getT2().getName())
                            .map(moved -> redirect(path, "done", "Label '" + label + "' now points to version "
                                    + version + (before == null ? " (a new label)." : " (was version " + before
                                    + ").")))
                            .onErrorResume(ChangeNotDeliveredException.class, e -> Mono.just(
                                    redirect(path, "problem", NOT_DELIVERED)));
                }));
    }

    // ---- the playground ----

    @GetMapping("/{name}/playground")
    Mono<String> playground(@PathVariable String tenantId, @PathVariable String name,
            @RequestParam(required = false) String selection, Model model) {
        return tenantAndPrompt(tenantId, name).map(found -> {
            model.addAttribute("tenant", found.tenant());
            model.addAttribute("prompt", found.prompt());
            model.addAttribute("playground", playground.form(found.prompt(), selection));
            return "console/playground";
        });
    }

    @PostMapping("/{name}/playground")
    Mono<String> play(@PathVariable String tenantId, @PathVariable String name, ServerWebExchange exchange,
            Model model) {
        return tenantAndPrompt(tenantId, name).flatMap(found -> exchange.getFormData()
                .flatMap(form -> playground.submit(found.tenant(), found.prompt(), form))
                .map(result -> {
                    if (result.status() != 200) {
                        exchange.getResponse().setStatusCode(HttpStatus.valueOf(result.status()));
                    }
                    model.addAttribute("tenant", found.tenant());
                    model.addAttribute("prompt", found.prompt());
                    model.addAttribute("playground", result);
                    return "console/playground";
                }));
    }

    // ---- helpers ----

    private record Found(Tenant tenant, PromptConfig prompt) {
    }

    private Mono<Tenant> tenant(String id) {
        UUID parsed = parseId(id);
        return tenants.tenant(parsed).switchIfEmpty(Mono.error(() -> ConsoleModel.notFound("There is no tenant " + id
                + ".")));
    }

    private Mono<Found> tenantAndPrompt(String tenantId, String name) {
        if (!PromptNames.isValidName(name)) {
            throw ConsoleModel.notFound("There is no prompt '" + name + "'.");
        }
        return tenant(tenantId).flatMap(tenant -> prompts.prompt(tenant.id(), name)
                .switchIfEmpty(Mono.error(() -> ConsoleModel.notFound("The tenant " + tenant.name()
                        + " has no prompt '" + name + "'.")))
                .map(prompt -> new Found(tenant, prompt)));
    }

    private static UUID parseId(String id) {
        return CanonicalUuid.parse(id).orElseThrow(() -> ConsoleModel.notFound("There is no tenant " + id + "."));
    }

    /** The version a parameter names, 404 when there is none. */
    private static PromptConfig.Version version(PromptConfig prompt, String number) {
        try {
            return prompt.version(Integer.parseInt(number == null ? "" : number.trim())).orElseThrow();
        } catch (RuntimeException e) {
            throw ConsoleModel.notFound("The prompt '" + prompt.name() + "' has no version " + number + ".");
        }
    }

    /** The form's problem, or null: a template is required, must be Mustache, labels must be valid. */
    private static String versionProblem(VersionForm form) {
        if (form.template().isBlank()) {
            return "The template is required.";
        }
        for (String label : labels(form.labels())) {
            if (!PromptNames.isValidLabel(label)) {
                return "'" + label + "' is not a label: 1-50 letters, digits, '.', '_' or '-', starting with a "
                        + "letter or digit; separate labels with commas.";
            }
        }
        try {
            PromptTemplate.compile(form.template());
            return null;
        } catch (PromptTemplate.InvalidTemplateException e) {
            return e.getMessage();
        }
    }

    private static VersionForm withProblem(VersionForm form, String problem) {
        return new VersionForm(form.name(), form.template(), form.labels(), problem);
    }

    static List<String> labels(String typed) {
        return Arrays.stream(typed.split("[,\\s]+")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }

    static String field(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value.replace("\r\n", "\n");
    }

    static String promptsPath(UUID tenantId) {
        return "/console/tenants/" + tenantId + "/prompts";
    }

    static String promptPath(UUID tenantId, String name) {
        return promptsPath(tenantId) + "/" + name;
    }

    private static String redirect(String path, String kind, String message) {
        return "redirect:" + ConsoleModel.flash(path, kind, message);
    }

    /** A two-column diff: kept lines side by side, a changed block's removed lines beside its added ones. */
    public static final class SideBySide {

        /** One side of a row: its line number (null: no line on this side), text and change. */
        public record Cell(Integer number, String text, String change) {
            public String marker() {
                return switch (change) {
                    case "removed" -> "−";
                    case "added" -> "+";
                    default -> " ";
                };
            }
        }

        public record Row(Cell left, Cell right) {
        }

        private SideBySide() {
        }

        public static List<Row> rows(String from, String to) {
            List<Row> rows = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            List<String> added = new ArrayList<>();
            int[] numbers = {1, 1};
            for (PromptDiff.Line line : PromptDiff.lines(from, to)) {
                switch (line.change()) {
                    case REMOVED -> removed.add(line.text());
                    case ADDED -> added.add(line.text());
                    case KEPT -> {
                        flush(rows, removed, added, numbers);
                        rows.add(new Row(new Cell(numbers[0]++, line.text(), "kept"),
                                new Cell(numbers[1]++, line.text(), "kept")));
                    }
                }
            }
            flush(rows, removed, added, numbers);
            return rows;
        }

        private static void flush(List<Row> rows, List<String> removed, List<String> added, int[] numbers) {
            for (int i = 0; i < Math.max(removed.size(), added.size()); i++) {
                Cell left = i < removed.size() ? new Cell(numbers[0]++, removed.get(i), "removed")
                        : new Cell(null, "", "empty");
                Cell right = i < added.size() ? new Cell(numbers[1]++, added.get(i), "added")
                        : new Cell(null, "", "empty");
                rows.add(new Row(left, right));
            }
            removed.clear();
            added.clear();
        }
    }
}
