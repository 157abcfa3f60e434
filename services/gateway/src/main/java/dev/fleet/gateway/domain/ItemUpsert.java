package dev.fleet.gateway.domain;

import java.util.Map;

/** One validated item to create or replace in a collection. */
public record ItemUpsert(String id, String text, Map<String, String> metadata) {

    public ItemUpsert {
        metadata = Map.copyOf(metadata);
    }
}
