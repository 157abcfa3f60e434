package dev.fleet.tools;

import java.util.List;
import java.util.Optional;

/**
 * What {@code topics tail} prints: {@code TOPIC [--from-beginning] [--to-end] [--tenant ID] [--max N]}.
 *
 * @param fromBeginning start at each partition's beginning instead of its end
 * @param toEnd         stop at the end the partitions had when the tail started, instead of following
 * @param max           stop after printing this many records (after the tenant filter)
 */
record TailOptions(String topic, boolean fromBeginning, boolean toEnd, Optional<String> tenant,
        Optional<Long> max) {

    static TailOptions parse(List<String> args) {
        String topic = null;
        boolean fromBeginning = false;
        boolean toEnd = false;
        Optional<String> tenant = Optional.empty();
        Optional<Long> max = Optional.empty();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--from-beginning" -> fromBeginning = true;
                case "--to-end" -> toEnd = true;
                case "--tenant" -> tenant = Optional.of(value(args, ++i, arg));
                case "--max" -> {
                    String n = value(args, ++i, arg);
                    try {
                        max = Optional.of(Long.parseLong(n));
                    } catch (NumberFormatException e) {
                        throw new UsageException("--max needs a number, not '" + n + "'");
                    }
                    if (max.get() < 1) {
                        throw new UsageException("--max needs a number >= 1");
                    }
                }
                default -> {
                    if (arg.startsWith("--") || topic != null) {
                        throw new UsageException("unexpected argument '" + arg + "'");
                    }
                    topic = arg;
                }
            }
        }
        if (topic == null) {
            throw new UsageException("which topic? e.g. topics tail fleet.domain.events.v1");
        }
        return new TailOptions(topic, fromBeginning, toEnd, tenant, max);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }
}
