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

    private SimulatorMain() {
    }

    static void run(String[] args) throws InterruptedException {
        int port = 0;
        List<String> models = new ArrayList<>(List.of(OpenAiSimulator.DEFAULT_MODEL));
        SimulatedBehaviour behaviour = SimulatedBehaviour.normal();
        Map<String, List<String>> perModel = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("-h") || flag.equals("--help")) {
                    System.out.println(usage());
                    return;
                }
                if (!flag.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --flag value, got '" + flag + "'");
                }
                String value = args[++i];
                switch (flag) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--model" -> models = Arrays.stream(value.split(",")).map(String::trim)
                            .filter(m -> !m.isEmpty()).toList();
                    case "--for-model" -> {
                        int colon = value.indexOf(':');
                        if (colon < 1) {
                            throw new IllegalArgumentException("--for-model wants NAME:knob=value[,knob=value]");
                        }
                        perModel.put(value.substring(0, colon), List.of(value.substring(colon + 1).split(",")));
                    }
                    default -> behaviour = behaviour.with(flag.substring(2), value);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("openai-simulator: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        Map<String, SimulatedBehaviour> modelBehaviours = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, List<String>> model : perModel.entrySet()) {
                SimulatedBehaviour own = behaviour;
                for (String knob : model.getValue()) {
                    String[] kv = knob.split("=", 2);
                    if (kv.length != 2) {
                        throw new IllegalArgumentException("--for-model " + model.getKey() + ": expected knob=value, got '"
                                + knob + "'");
                    }
                    own = own.with(kv[0].trim(), kv[1]);
                }
                modelBehaviours.put(model.getKey(), own);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("openai-simulator: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<String> listed = new ArrayList<>(models);
        modelBehaviours.keySet().stream().filter(m -> !listed.contains(m)).forEach(listed::add);
        OpenAiSimulator simulator = OpenAiSimulator.start(port).defaults(behaviour).models(listed).recording(false);
        modelBehaviours.forEach((model, own) -> simulator.when(
                body -> model.equals(body.path("model").asText()), own));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "openai-simulator-stop"));
        System.out.println("openai-simulator: models " + listed + ", by default " + behaviour);
        modelBehaviours.forEach((model, own) -> System.out.println("openai-simulator: model " + model + ": " + own));
        System.out.println("openai-simulator: listening on " + simulator.baseUrl());
        System.out.flush();
        stopped.await();
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
