package dev.fleet.embedding;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The embedding-worker: embeds texts with an in-process model, for requests and for collection items. */
@SpringBootApplication
public class EmbeddingWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(EmbeddingWorkerApplication.class, args);
    }
}
