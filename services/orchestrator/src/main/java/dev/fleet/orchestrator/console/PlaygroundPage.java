package dev.fleet.orchestrator.console;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.util.MultiValueMap;

import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.orchestrator.domain.KeyMinter;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.prompts.PromptConfig;
import dev.fleet.orchestrator.domain.prompts.PromptNames;
import dev.fleet.orchestrator.domain.prompts.PromptTemplate;

import reactor.core.publisher.Mono;

/**
 * The prompt playground's logic, apart from its page: choose a version or a label (resolved to its version
 * now), fill the variables the template uses ({@link PromptTemplate#variables()}), render it here (a missing
 * variable or a broken template is shown, as the fleet would refuse it), and optionally send it through the
 * gateway as the tenant ({@link PlaygroundGateway}), pinned to the version rendered. The API key typed must be
 * one of the tenant's active keys (checked by its displayable prefix, so a key of another tenant is refused
 * before anything is sent); it is used for that one request and never put back into the page.
 */
public final class PlaygroundPage {

    /** Metadata entries the gateway accepts on a chat completion (OpenAI's limit); two name the prompt. */
    static final int MAX_VARIABLES = 16 - 2;

    private final TenantAdmin tenants;
    private final PlaygroundGateway gateway;

    PlaygroundPage(TenantAdmin tenants, PlaygroundGateway gateway) {
        this.tenants = tenants;
        this.gateway = gateway;
    }

    /** A choice of the version select: {@code label:<name>} or {@code version:<n>}. */
    public record Option(String value, String text, boolean selected) {
    }

    /** A variable's field; {@code id} is safe as an HTML id whatever the variable's name. */
    public record Variable(String name, String id, String value) {
    }

    /**
     * What the playground page shows.
     *
     * @param options       the versions and labels to choose from
     * @param selection     the chosen option's value
     * @param label         the chosen label, or null when a version was chosen
     * @param version       the version rendered (a label's version at the time of the request)
     * @param template      that version's template
     * @param variables     the template's variables with what was typed
     * @param message       the user message to send with the prompt
     * @param model         the model to ask
     * @param rendered      the rendered prompt, or null
     * @param renderProblem why it could not be rendered, or null
     * @param formProblem   why it was not sent (a missing key or model, a key of another tenant), or null
     * @param answer        the gateway's answer or problem, or null when nothing was sent
     * @param sent          the metadata that was sent (never the key), or null
     * @param gateway       where the playground sends
     * @param status        the page's HTTP status
     */
    public record View(List<Option> options, String selection, String label, int version, String template,
            List<Variable> variables, String message, String model, String rendered, String renderProblem,
            String formProblem, PlaygroundAnswer answer, Map<String, String> sent, URI gateway, int status) {
    }

    /** The empty form for {@code selection} (default: the production label, else the newest version). */
    View form(PromptConfig prompt, String selection) {
        Chosen chosen = choose(prompt, selection);
        List<Variable> variables = variables(chosen.version(), Map.of());
        return new View(options(prompt, chosen.value()), chosen.value(), chosen.label(), chosen.version().number(),
                chosen.version().template(), variables, "Hello!", "", null, null, null, null, null,
                gateway.gateway(), 200);
    }

    /** Renders (and, for {@code action=send}, sends) what the form holds. */
    Mono<View> submit(Tenant tenant, PromptConfig prompt, MultiValueMap<String, String> form) {
        Chosen chosen = choose(prompt, PromptPagesController.field(form, "selection"));
        Map<String, String> typed = new LinkedHashMap<>();
        for (String name : PromptTemplate.compile(chosen.version().template()).variables()) {
            typed.put(name, PromptPagesController.field(form, "var_" + name));
        }
        List<Variable> variables = variables(chosen.version(), typed);
        Map<String, String> given = new LinkedHashMap<>();
        typed.forEach((name, value) -> {
            if (!value.isEmpty()) { // an empty field is a variable not given, as a client that omits it
                given.put(name, value);
            }
        });
        String message = PromptPagesController.field(form, "message");
        String model = PromptPagesController.field(form, "model").trim();
        String rendered = null;
        String renderProblem = null;
        try {
            rendered = PromptTemplate.compile(chosen.version().template()).render(given);
        } catch (IllegalArgumentException e) { // a missing variable, or a template jmustache cannot run
            renderProblem = e.getMessage();
        }
        View view = new View(options(prompt, chosen.value()), chosen.value(), chosen.label(),
                chosen.version().number(), chosen.version().template(), variables, message, model, rendered,
                renderProblem, null, null, null, gateway.gateway(), renderProblem == null ? 200 : 400);
        if (!"send".equals(form.getFirst("action")) || renderProblem != null) {
            return Mono.just(view);
        }
        String key = PromptPagesController.field(form, "api_key").trim();
        String problem = key.isEmpty() ? "Type one of the tenant's API keys to send the prompt through the gateway."
                : model.isEmpty() ? "Name the model to ask."
                : message.isBlank() ? "Type a message to send with the prompt."
                : given.size() > MAX_VARIABLES ? "The gateway takes at most " + MAX_VARIABLES
                        + " variables in a chat's metadata; this prompt has more."
                : null;
        if (problem != null) {
            return Mono.just(withProblem(view, problem));
        }
        return isTenantsKey(tenant, key).flatMap(own -> {
            if (!own) {
                return Mono.just(withProblem(view, "That is not one of " + tenant.name()
                        + "'s active API keys; nothing was sent."));
            }
            PlaygroundGateway.Call call = new PlaygroundGateway.Call(key, model, prompt.name(),
                    chosen.version().number(), given, message);
            return gateway.send(call).map(answer -> new View(view.options(), view.selection(), view.label(),
                    view.version(), view.template(), view.variables(), message, model, view.rendered(), null, null, answer,
                    call.metadata(), view.gateway(), 200));
        });
    }

    /** The key's displayable prefix is one of the tenant's active keys' (a key of another tenant is refused). */
    private Mono<Boolean> isTenantsKey(Tenant tenant, String key) {
        if (key.length() <= KeyMinter.PREFIX_LENGTH || !key.startsWith(KeyMinter.KEY_PREFIX)) {
            return Mono.just(false);
        }
        String prefix = key.substring(0, KeyMinter.PREFIX_LENGTH);
        return tenants.keys(tenant.id()).map(keys -> keys.stream()
                .anyMatch(k -> k.status() == ApiKeyStatus.ACTIVE && prefix.equals(k.prefix())));
    }

    private static View withProblem(View view, String problem) {
        return new View(view.options(), view.selection(), view.label(), view.version(), view.template(),
                view.variables(), view.message(), view.model(), view.rendered(), view.renderProblem(), problem,
                null, null, view.gateway(), 400);
    }

    private record Chosen(String value, String label, PromptConfig.Version version) {
    }

    private static Chosen choose(PromptConfig prompt, String selection) {
        if (selection != null && selection.startsWith("label:")) {
            String label = selection.substring("label:".length());
            if (prompt.labelled(label).isPresent()) {
                return new Chosen(selection, label, prompt.labelled(label).get());
            }
        }
        if (selection != null && selection.startsWith("version:")) {
            try {
                int number = Integer.parseInt(selection.substring("version:".length()));
                if (prompt.version(number).isPresent()) {
                    return new Chosen(selection, null, prompt.version(number).get());
                }
            } catch (NumberFormatException e) {
                // the default below
            }
        }
        return prompt.labelled(PromptNames.DEFAULT_LABEL)
                .map(v -> new Chosen("label:" + PromptNames.DEFAULT_LABEL, PromptNames.DEFAULT_LABEL, v))
                .orElseGet(() -> new Chosen("version:" + prompt.latest().number(), null, prompt.latest()));
    }

    private static List<Option> options(PromptConfig prompt, String selected) {
        List<Option> options = new ArrayList<>();
        prompt.labels().forEach((label, version) -> options.add(new Option("label:" + label,
                "label " + label + " (version " + version + ")", ("label:" + label).equals(selected))));
        for (int i = prompt.versions().size(); i >= 1; i--) {
            options.add(new Option("version:" + i, "version " + i, ("version:" + i).equals(selected)));
        }
        return options;
    }

    private static List<Variable> variables(PromptConfig.Version version, Map<String, String> typed) {
        List<Variable> variables = new ArrayList<>();
        int i = 0;
        for (String name : PromptTemplate.compile(version.template()).variables()) {
            variables.add(new Variable(name, "var-" + i++, typed.getOrDefault(name, "")));
        }
        return variables;
    }
}
