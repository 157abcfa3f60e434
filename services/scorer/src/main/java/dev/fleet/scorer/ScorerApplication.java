package dev.fleet.scorer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The scorer: an in-memory vector index of every tenant's collections, answering nearest-neighbour searches. */
@SpringBootApplication
public class ScorerApplication {

    public static void main(String[] args) {
        SpringApplication.run(ScorerApplication.class, args);
    }
}
