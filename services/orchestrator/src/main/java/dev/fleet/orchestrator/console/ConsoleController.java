package dev.fleet.orchestrator.console;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The sign-in page and the console's front door. */
@Controller
public class ConsoleController {

    @GetMapping("/console/login")
    String login(@RequestParam MultiValueMap<String, String> query, Model model) {
        if (query.containsKey("error")) {
            model.addAttribute("problem", "That is not the admin token.");
        } else if (query.containsKey("wait")) {
            long seconds = parseSeconds(query.getFirst("wait"));
            model.addAttribute("problem", "Too many wrong tokens from your address: try again in " + seconds
                    + " seconds.");
        } else if (query.containsKey("disabled")) {
            model.addAttribute("problem", "The console is closed: the fleet has no admin token (set FLEET_ADMIN_TOKEN).");
        } else if (query.containsKey("signed-out")) {
            model.addAttribute("notice", "You are signed out.");
        }
        return "console/login";
    }

    @GetMapping({"/console", "/console/"})
    String home() {
        return "redirect:/console/tenants";
    }

    private static long parseSeconds(String value) {
        try {
            return Math.max(1, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
