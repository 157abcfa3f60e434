package dev.fleet.scorer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The scorer: an in-memory vector index of every tenant's collections, answering exact nearest-neighbour searches
 * and recommendations by example (decision 0030).
 */
@SpringBootApplication
public class ScorerApplication {

    public static void main(String[] args) {
        SpringApplication.run(ScorerApplication.class, args);
    }
}
