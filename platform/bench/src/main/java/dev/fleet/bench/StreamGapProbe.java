package dev.fleet.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Streams chat completions one after another from an OpenAI-compatible endpoint and timestamps
 * every content chunk as it arrives: the gaps between consecutive chunks of a stream, and the time
 * to the first one. Run against the simulator directly and through the fleet (the simulator pacing
 * tokens at a known rate), the difference of the two is what the fleet adds between chunks.
 * <pre>FLEET_BENCH_KEY=fk-… java -cp … dev.fleet.bench.StreamGapProbe --url http://127.0.0.1:8080
 *     [--model sim-paced] [--streams 10] [--warmup 2] [--label fleet]</pre>
 * (the API key comes from the environment, never the command line). Prints
 * {@code gap_<label> count=… p50_ms=… p99_ms=… max_ms=…}, {@code ttft_<label> …} and
 * {@code failed_<label> count=… of=…}: a stream that ends without {@code [DONE]}, answers other than
 * 200 or lasts over 30 s is counted as failed (and described on stderr); none succeeding is exit 1.
 */
public final class StreamGapProbe {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STREAM_TIMEOUT_SECONDS = 30;

    private StreamGapProbe() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = Flags.parse(args, Map.of("url", "http://127.0.0.1:8080",
                "model", "sim-paced", "streams", "10", "warmup", "2", "label", "stream"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        int warmup = Integer.parseInt(flags.get("warmup"));
        int streams = Integer.parseInt(flags.get("streams"));
        List<Long> gaps = new ArrayList<>();
        List<Long> firsts = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < warmup + streams; i++) {
            List<Long> arrivals = new ArrayList<>();
            long start;
            try {
                start = stream(http, flags, i, arrivals);
            } catch (IOException | IllegalStateException e) {
                failed++;
                System.err.println("StreamGapProbe: " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
                continue;
            }
            if (i < warmup) {
                continue;
            }
            firsts.add(arrivals.get(0) - start);
            for (int j = 1; j < arrivals.size(); j++) {
                gaps.add(arrivals.get(j) - arrivals.get(j - 1));
            }
        }
        String label = flags.get("label");
        System.out.println("failed_" + label + " count=" + failed + " of=" + (warmup + streams));
        if (gaps.isEmpty()) {
            System.exit(1);
        }
        System.out.println(Percentiles.of(gaps).line("gap_" + label));
        System.out.println(Percentiles.of(firsts).line("ttft_" + label));
    }

    /** One stream; adds the arrival time of each content chunk; returns when the request was sent. */
    private static long stream(HttpClient http, Map<String, String> flags, int n, List<Long> arrivals)
            throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("model", flags.get("model"), "stream", true,
                "messages", List.of(Map.of("role", "user", "content", "Stream number " + n + ", please."))));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(flags.get("url") + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(STREAM_TIMEOUT_SECONDS))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        String key = System.getenv().getOrDefault("FLEET_BENCH_KEY", "");
        if (!key.isEmpty()) {
            request.header("Authorization", "Bearer " + key);
        }
        ChunkClock clock = new ChunkClock();
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<Void>> response = http.sendAsync(request.build(),
                HttpResponse.BodyHandlers.fromLineSubscriber(clock));
        HttpResponse<Void> done;
        try {
            // the request timeout ends at the headers; this bounds the whole stream
            done = response.get(STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new IllegalStateException("stream " + n + " did not end within " + STREAM_TIMEOUT_SECONDS
                    + " s; it had " + clock.arrivals.size() + " content chunks");
        } catch (ExecutionException e) {
            throw new IOException("stream " + n + " failed after " + clock.arrivals.size() + " content chunks",
                    e.getCause());
        }
        if (done.statusCode() != 200 || !clock.done || clock.arrivals.isEmpty()) {
            throw new IllegalStateException("stream " + n + ": HTTP " + done.statusCode() + ", " + clock.arrivals.size()
                    + " content chunks, " + (clock.done ? "" : "no ") + "[DONE]; last line: " + clock.last);
        }
        arrivals.addAll(clock.arrivals);
        return start;
    }

    /** Timestamps the content chunks of one stream as their lines arrive. */
    private static final class ChunkClock implements Flow.Subscriber<String> {
        private final List<Long> arrivals = new ArrayList<>();
        private volatile boolean done;
        private volatile String last = "";

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            long now = System.nanoTime();
            if (!line.startsWith("data:")) {
                return;
            }
            last = line;
            String data = line.substring(5).trim();
            if (data.equals("[DONE]")) {
                done = true;
                return;
            }
            try {
                JsonNode content = JSON.readTree(data).at("/choices/0/delta/content");
                if (content.isTextual() && !content.asText().isEmpty()) {
                    synchronized (arrivals) {
                        arrivals.add(now);
                    }
                }
            } catch (IOException e) {
                last = "(not JSON) " + line;
            }
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }
    }
}
