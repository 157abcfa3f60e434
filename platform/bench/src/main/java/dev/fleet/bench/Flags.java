package dev.fleet.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs over defaults; an unknown name or a missing value is an error. */
final class Flags {

    private Flags() {
    }

    static Map<String, String> parse(String[] args, Map<String, String> defaults) {
        Map<String, String> flags = new HashMap<>(defaults);
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!defaults.containsKey(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown flag or missing value: '" + args[i] + "' (flags: "
                        + defaults + ")");
            }
            flags.put(name, args[i + 1]);
        }
        return flags;
    }
}
