package dev.fleet.orchestrator.console;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the gateway the playground sends to (the JDK's HTTP server on a free port): records each
 * request's path, {@code Authorization} header and body, and answers with the status and JSON body set last.
 */
final class PlaygroundGatewayStub implements AutoCloseable {

    /** A request as the gateway received it. */
    record Received(String path, String authorization, String body) {
    }

    final List<Received> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final AtomicReference<Map.Entry<Integer, String>> next = new AtomicReference<>(Map.entry(500, "{}"));

    private PlaygroundGatewayStub(HttpServer server) {
        this.server = server;
    }

    static PlaygroundGatewayStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            PlaygroundGatewayStub gateway = new PlaygroundGatewayStub(server);
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                gateway.requests.add(new Received(exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"), body));
                Map.Entry<Integer, String> answer = gateway.next.get();
                byte[] bytes = answer.getValue().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.getKey(), bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next answers' status and body. */
    PlaygroundGatewayStub next(int status, String body) {
        next.set(Map.entry(status, body));
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
