package dev.fleet.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The command line of {@link OpenAiSimulator} run as its own process (a benchmark backend):
 * <pre>
 * java -cp … dev.fleet.test.OpenAiSimulator --port 18080 --ttft 0ms --tokens-per-second 50 \
 *     [--error-status 503] [--disconnect-after N] [--stall-after N --stall-for 2s] [--answer-tokens N] \
 *     [--model NAME[,NAME…]] [--for-model NAME:knob=value[,knob=value…]]…
 * </pre>
 * {@code --for-model} gives one model its own knobs (and lists it), so that a client that cannot
 * send headers (a fleet in between) picks a behaviour by the model it asks for, e.g.
 * {@code --for-model sim-paced:tokens-per-second=50,answer-tokens=60}.
 * Listens on 127.0.0.1 only, prints {@code listening on http://127.0.0.1:PORT} once it accepts
 * requests, and runs until it is stopped (SIGTERM/SIGINT). Request bodies are not kept.
 */
final class SimulatorMain {

    /** What the flags ask for. */
    record Options(int port, List<String> models, SimulatedBehaviour defaults,
            Map<String, SimulatedBehaviour> perModel) {
    }

    private SimulatorMain() {
    }

    static void run(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("-h") || Arrays.asList(args).contains("--help")) {
            System.out.println(usage());
            return;
        }
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("openai-simulator: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        OpenAiSimulator simulator = OpenAiSimulator.start(options.port()).defaults(options.defaults())
                .models(options.models()).recording(false);
        options.perModel().forEach((model, own) -> simulator.when(
                body -> model.equals(body.path("model").asText()), own));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "openai-simulator-stop"));
        System.out.println("openai-simulator: models " + options.models() + ", by default " + options.defaults());
        options.perModel().forEach((model, own) -> System.out.println("openai-simulator: model " + model + ": " + own));
        System.out.println("openai-simulator: listening on " + simulator.baseUrl());
        System.out.flush();
        stopped.await();
    }

    /** @throws IllegalArgumentException for an unknown flag or an unreadable value */
    static Options parse(String[] args) {
        int port = 0;
        List<String> models = new ArrayList<>(List.of(OpenAiSimulator.DEFAULT_MODEL));
        SimulatedBehaviour behaviour = SimulatedBehaviour.normal();
        Map<String, List<String>> knobsPerModel = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String flag = args[i];
            if (!flag.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --flag value, got '" + flag + "'");
            }
            String value = args[i + 1];
            switch (flag) {
                case "--port" -> port = integer(value);
                case "--model" -> models = Arrays.stream(value.split(",")).map(String::trim)
                        .filter(m -> !m.isEmpty()).toList();
                case "--for-model" -> {
                    int colon = value.indexOf(':');
                    if (colon < 1) {
                        throw new IllegalArgumentException("--for-model wants NAME:knob=value[,knob=value]");
                    }
                    knobsPerModel.put(value.substring(0, colon), List.of(value.substring(colon + 1).split(",")));
                }
                default -> behaviour = behaviour.with(flag.substring(2), value);
            }
        }
        Map<String, SimulatedBehaviour> perModel = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> model : knobsPerModel.entrySet()) {
            SimulatedBehaviour own = behaviour;
            for (String knob : model.getValue()) {
                String[] kv = knob.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("--for-model " + model.getKey() + ": expected knob=value, got '"
                            + knob + "'");
                }
                own = own.with(kv[0].trim(), kv[1]);
            }
            perModel.put(model.getKey(), own);
        }
        List<String> listed = new ArrayList<>(models);
        perModel.keySet().stream().filter(m -> !listed.contains(m)).forEach(listed::add);
        return new Options(port, List.copyOf(listed), behaviour, Map.copyOf(perModel));
    }

    private static int integer(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: '" + value + "'", e);
        }
    }

    private static String usage() {
        return """
                usage: java -cp <test-support classpath> dev.fleet.test.OpenAiSimulator [flags]
                  --port N                 loopback port (0 = a free one, printed)      [0]
                  --model A[,B]            model names /v1/models lists                 [sim-model]
                  --ttft D                 time to first token, e.g. 0ms, 500ms, 2s     [0ms]
                  --tokens-per-second R    pacing of streamed tokens (0 = unpaced)      [0]
                  --answer-tokens N        answer length in tokens (0 = echo the question) [0]
                  --error-status S         answer every request with HTTP S             [none]
                  --disconnect-after N     drop the connection after N streamed tokens  [never]
                  --stall-after N          stop sending after N tokens ...              [never]
                  --stall-for D            ... for this long, then continue             [0ms]
                  --for-model M:k=v[,k=v]  model M (listed too) with these knobs changed, e.g.
                                           sim-paced:tokens-per-second=50,answer-tokens=60
                every knob can also be set per request with a header x-simulator-<knob>: <value>""";
    }
}
