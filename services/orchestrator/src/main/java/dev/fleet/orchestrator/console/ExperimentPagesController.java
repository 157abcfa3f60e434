package dev.fleet.orchestrator.console;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriUtils;

import dev.fleet.events.v1.Experiment;
import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.ModelAlias;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.orchestrator.domain.console.ArmResult;
import dev.fleet.orchestrator.domain.console.ExperimentResult;
import dev.fleet.orchestrator.domain.console.ExperimentResults;
import dev.fleet.orchestrator.domain.routing.AliasAdmin;
import dev.fleet.orchestrator.messaging.ConsoleFeeds;

import reactor.core.publisher.Mono;

/**
 * {@code /console/experiments}: every model alias's running experiment (its arms with weight, share and
 * targets, from the alias registry's database) and each arm's results (assignments, outcomes, success rate,
 * latency p50 and mean, tokens per request) computed from the {@code ExperimentAssigned} and
 * {@code ExperimentOutcome} domain events ({@link ExperimentResults}); experiments seen in the events but no
 * longer running are listed as ended. {@code /console/experiments/{alias}}: one alias, its targets, its running
 * experiment and the ended ones, with the token means split into prompt and completion.
 */
@Controller
public class ExperimentPagesController {

    static final String OFF = "The console's read models are off on this replica (FLEET_CONSOLE_ENABLED=false): "
            + "experiment results are not shown.";
    static final String CATCHING_UP = "The console is catching up with the domain events: the results may be "
            + "incomplete for a moment.";
    static final String NONE = "–";

    private final AliasAdmin aliases;
    private final ObjectProvider<ExperimentResults> results;
    private final ObjectProvider<ConsoleFeeds> feeds;

    public ExperimentPagesController(AliasAdmin aliases, ObjectProvider<ExperimentResults> results,
            ObjectProvider<ConsoleFeeds> feeds) {
        this.aliases = aliases;
        this.results = results;
        this.feeds = feeds;
    }

    @GetMapping("/console/experiments")
    Mono<String> experiments(Model model) {
        return aliases.all().collectList().map(all -> {
            ExperimentResults read = results.getIfAvailable();
            if (read == null) {
                model.addAttribute("off", OFF);
                return "console/experiments";
            }
            caughtUp(model);
            List<ExperimentView> running = new ArrayList<>();
            List<AliasLink> without = new ArrayList<>();
            for (ModelAlias alias : all) {
                if (alias.getExperiment() == null) {
                    without.add(new AliasLink(alias.getAlias(), href(alias.getAlias())));
                } else {
                    running.add(ExperimentView.running(alias, read.experiment(alias.getAlias(), alias.getExperiment())));
                }
            }
            model.addAttribute("running", running);
            model.addAttribute("ended", ended(read.all(), all));
            model.addAttribute("without", without);
            return "console/experiments";
        });
    }

    @GetMapping("/console/experiments/{*alias}")
    Mono<String> experiment(@PathVariable String alias, Model model) {
        String name = alias.startsWith("/") ? alias.substring(1) : alias;
        ExperimentResults read = results.getIfAvailable();
        return aliases.find(name).map(Optional::of).defaultIfEmpty(Optional.empty())
                .map(found -> {
                    List<ExperimentResult> seen = read == null ? List.of() : read.ofAlias(name);
                    if (found.isEmpty() && seen.isEmpty()) {
                        throw ConsoleModel.notFound("There is no model alias " + name + ", and no experiment on it "
                                + "was seen.");
                    }
                    model.addAttribute("alias", name);
                    model.addAttribute("removed", found.isEmpty());
                    found.ifPresent(a -> model.addAttribute("targets", targets(a.getTargets())));
                    if (read == null) {
                        model.addAttribute("off", OFF);
                        return "console/experiment";
                    }
                    caughtUp(model);
                    found.filter(a -> a.getExperiment() != null).ifPresent(a -> model.addAttribute("current",
                            ExperimentView.running(a, read.experiment(name, a.getExperiment()))));
                    model.addAttribute("ended", ended(seen, found.stream().toList()));
                    return "console/experiment";
                });
    }

    private void caughtUp(Model model) {
        ConsoleFeeds feed = feeds.getIfAvailable();
        if (feed != null && !feed.isCaughtUp()) {
            model.addAttribute("catchingUp", CATCHING_UP);
        }
    }

    /** The experiments in {@code seen} that none of {@code aliases} is running now. */
    private static List<ExperimentView> ended(List<ExperimentResult> seen, List<ModelAlias> aliases) {
        Set<String> running = new HashSet<>();
        aliases.stream().filter(a -> a.getExperiment() != null)
                .forEach(a -> running.add(a.getAlias() + "\n" + a.getExperiment().getName()));
        return seen.stream().filter(r -> !running.contains(r.alias() + "\n" + r.experiment()))
                .map(ExperimentView::ended).toList();
    }

    static String targets(List<ModelTarget> targets) {
        return targets.stream().map(t -> t.getProvider().isEmpty() ? t.getModel() : t.getProvider() + "/" + t.getModel())
                .collect(Collectors.joining(", then "));
    }

    /** The console's address of an alias's page; an alias may hold '/', kept as a path separator. */
    static String href(String alias) {
        return "/console/experiments/" + Arrays.stream(alias.split("/", -1))
                .map(segment -> UriUtils.encodePathSegment(segment, StandardCharsets.UTF_8))
                .collect(Collectors.joining("/"));
    }

    /** An alias and its page. */
    public record AliasLink(String alias, String href) {
    }

    /** One experiment as the pages show it. */
    public record ExperimentView(String alias, String href, String name, boolean running, String startedAt,
            long assignments, long outcomes, List<ArmView> arms) {

        static ExperimentView running(ModelAlias alias, ExperimentResult result) {
            Experiment definition = alias.getExperiment();
            int weights = definition.getArms().stream().mapToInt(ExperimentArm::getWeight).sum();
            Map<String, ExperimentArm> defined = new HashMap<>();
            definition.getArms().forEach(arm -> defined.putIfAbsent(arm.getName(), arm));
            List<ArmView> arms = result.arms().stream()
                    .map(arm -> ArmView.of(arm, defined.get(arm.arm()), weights)).toList();
            Instant started = definition.getStartedAt();
            return new ExperimentView(alias.getAlias(), ExperimentPagesController.href(alias.getAlias()), definition.getName(), true,
                    started == null ? "" : started.toString(), result.assignments(), result.outcomes(), arms);
        }

        static ExperimentView ended(ExperimentResult result) {
            return new ExperimentView(result.alias(), ExperimentPagesController.href(result.alias()), result.experiment(), false, "",
                    result.assignments(), result.outcomes(),
                    result.arms().stream().map(arm -> ArmView.of(arm, null, 0)).toList());
        }
    }

    /**
     * One arm: its definition (weight, share of users, targets; "–" for an arm seen in events but no longer
     * defined) and its results ("–" while it has no outcome).
     */
    public record ArmView(String name, String weight, String share, String targets, long assignments, long outcomes,
            long successes, String successRate, String latencyP50, String latencyMean, String tokensMean,
            String promptTokensMean, String completionTokensMean) {

        static ArmView of(ArmResult result, ExperimentArm definition, int weights) {
            return new ArmView(result.arm(),
                    definition == null ? NONE : Integer.toString(definition.getWeight()),
                    definition == null || weights == 0 ? NONE
                            : format("%.1f %%", 100.0 * definition.getWeight() / weights),
                    definition == null ? NONE : ExperimentPagesController.targets(definition.getTargets()),
                    result.assignments(), result.outcomes(), result.successes(),
                    result.successRate() == null ? NONE : format("%.1f %%", 100 * result.successRate()),
                    result.latencyP50Millis() == null ? NONE : result.latencyP50Millis() + " ms",
                    result.latencyMeanMillis() == null ? NONE : format("%.1f ms", result.latencyMeanMillis()),
                    result.tokensMean() == null ? NONE : format("%.1f", result.tokensMean()),
                    result.promptTokensMean() == null ? NONE : format("%.1f", result.promptTokensMean()),
                    result.completionTokensMean() == null ? NONE : format("%.1f", result.completionTokensMean()));
        }

        private static String format(String pattern, double value) {
            return String.format(Locale.ROOT, pattern, value);
        }
    }
}
