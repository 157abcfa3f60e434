package dev.fleet.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;

/**
 * The Java side of {@code scripts/fleet}: {@code topics list | describe TOPIC | tail TOPIC …}, {@code topic
 * NAME} (the topic from its beginning to its current end), and the demo's parsing ({@code json …},
 * {@code demo-chat}). Data goes to stdout, messages to stderr; exit status 2 for a command line it cannot
 * read, 1 for a failure. The broker is {@code KAFKA_BOOTSTRAP_SERVERS} (127.0.0.1:9092).
 */
public final class FleetTool {

    static final String USAGE = """
            usage: fleet-tool <command>
              topics list                          topics (partitions, cleanup, retention) and each consumer group's lag
              topics groups                        only the consumer groups: state, members (partitions), lag per topic
              topics describe TOPIC                the catalog entry and the value schema's history (every version, its fields)
              topics tail TOPIC [--from-beginning] [--to-end] [--tenant ID] [--max N]
                                                   records as JSON lines (decoded with every released schema, headers);
                                                   from the end, following until Ctrl-C, unless told otherwise
              topic TOPIC                          = topics tail TOPIC --from-beginning --to-end
              json pretty | get PATH | count PATH | embeddings
                                                   the demo's JSON handling, the body on stdin
              demo-chat                            an OpenAI chat stream (SSE) on stdin: echo it, then its answer and usage
              reindex                              the latest reindex jobs: collection, state, items done / total
              chaos load|check [--dir D] [--rate R] [--workers N] [--settle S] ...
                                                   the fault suite's load and invariants (scripts/fleet chaos)
            """;

    private FleetTool() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(List.of(args), System.out, clientConfig());
        } catch (UsageException e) {
            System.err.println("fleet-tool: " + e.getMessage());
            System.err.print(USAGE);
            status = 2;
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                System.err.println("fleet-tool: no answer from the Kafka broker at "
                        + clientConfig().get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                        + " (KAFKA_BOOTSTRAP_SERVERS) in time: is it running? (" + cause.getMessage() + ")");
            } else {
                System.err.println("fleet-tool: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            }
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    static int run(List<String> args, PrintStream out, Map<String, Object> clientConfig) throws Exception {
        if (args.isEmpty()) {
            throw new UsageException("which command?");
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "topics" -> topics(rest, out, clientConfig);
            case "topic" -> {
                if (rest.size() != 1) {
                    throw new UsageException("usage: topic TOPIC");
                }
                yield tail(new TailOptions(rest.get(0), true, true, Optional.empty(), Optional.empty()), out,
                        clientConfig);
            }
            case "json" -> json(rest, out);
            case "demo-chat" -> demoChat(out);
            case "chaos" -> Chaos.run(rest, out, clientConfig);
            case "reindex" -> {
                out.print(ReindexJobsTable.render(ReindexJobsTable.read(clientConfig), 10));
                yield 0;
            }
            case "help", "-h", "--help" -> {
                out.print(USAGE);
                yield 0;
            }
            default -> throw new UsageException("unknown command '" + args.get(0) + "'");
        };
    }

    private static int topics(List<String> args, PrintStream out, Map<String, Object> clientConfig)
            throws Exception {
        String sub = args.isEmpty() ? "" : args.get(0);
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        switch (sub) {
            case "list" -> {
                try (Admin admin = Admin.create(clientConfig)) {
                    out.print(TopicInventory.render(TopicInventory.read(admin)));
                }
            }
            case "groups" -> {
                try (Admin admin = Admin.create(clientConfig)) {
                    out.print(TopicInventory.renderLags(TopicInventory.lags(admin)));
                }
            }
            case "describe" -> {
                if (rest.size() != 1) {
                    throw new UsageException("usage: topics describe TOPIC");
                }
                out.print(TopicDescriber.describe(rest.get(0)));
            }
            case "tail" -> {
                return tail(TailOptions.parse(rest), out, clientConfig);
            }
            default -> throw new UsageException("topics needs list, groups, describe TOPIC or tail TOPIC");
        }
        return 0;
    }

    private static int tail(TailOptions options, PrintStream out, Map<String, Object> clientConfig) {
        RecordJson json = new RecordJson(new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()),
                SchemaVersions.fromCatalog());
        CountDownLatch finished = new CountDownLatch(1);
        try (KafkaConsumer<byte[], byte[]> consumer = TopicTail.consumer(clientConfig)) {
            Thread stop = new Thread(() -> {
                consumer.wakeup();
                try {
                    finished.await(3, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "fleet-tool-stop");
            Runtime.getRuntime().addShutdownHook(stop);
            try {
                TopicTail.run(consumer, options, json, out, () -> {
                });
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(stop);
                } catch (IllegalStateException e) {
                    // the JVM is stopping (Ctrl-C): the hook is running
                }
            }
        }
        return 0;
    }

    private static int json(List<String> args, PrintStream out) throws IOException {
        String body = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        String sub = args.isEmpty() ? "" : args.get(0);
        switch (sub) {
            case "pretty" -> out.println(DemoJson.pretty(body));
            case "get" -> out.println(DemoJson.get(body, path(args)));
            case "count" -> out.println(DemoJson.count(body, path(args)));
            case "embeddings" -> out.println(DemoJson.embeddings(body));
            default -> throw new UsageException("json needs pretty, get PATH, count PATH or embeddings");
        }
        return 0;
    }

    private static String path(List<String> args) {
        if (args.size() != 2) {
            throw new UsageException("usage: json " + args.get(0) + " PATH (dotted, e.g. data.0.embedding)");
        }
        return args.get(1);
    }

    private static int demoChat(PrintStream out) throws IOException {
        ChatStream.Answer answer = ChatStream.read(
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
        out.println(answer.summary());
        return answer.text().isEmpty() && answer.error().isPresent() ? 1 : 0;
    }

    static Map<String, Object> clientConfig() {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    }
}
