package dev.fleet.orchestrator.console;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import reactor.core.publisher.Mono;

/** {@code /console/fleet}: each replica's readiness and each consumer group's members and lag. */
@Controller
public class FleetPageController {

    private final FleetOverview fleet;

    public FleetPageController(FleetOverview fleet) {
        this.fleet = fleet;
    }

    @GetMapping("/console/fleet")
    Mono<String> fleet(Model model) {
        return Mono.zip(fleet.readiness(), fleet.groups().map(FleetOverview::byGroup)
                        .map(groups -> (Object) groups)
                        .onErrorResume(e -> Mono.just("Kafka did not answer: " + e.getMessage())))
                .map(both -> {
                    model.addAttribute("replicas", both.getT1());
                    if (both.getT2() instanceof String problem) {
                        model.addAttribute("groupsProblem", problem);
                    } else {
                        model.addAttribute("groups", both.getT2());
                    }
                    return "console/fleet";
                });
    }
}
