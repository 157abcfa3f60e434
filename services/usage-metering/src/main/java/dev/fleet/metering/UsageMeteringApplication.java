package dev.fleet.metering;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The usage-metering service: per-minute usage rollups per tenant and meter, with Kafka Streams. */
@SpringBootApplication
public class UsageMeteringApplication {

    public static void main(String[] args) {
        SpringApplication.run(UsageMeteringApplication.class, args);
    }
}
