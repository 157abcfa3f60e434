package dev.fleet.embedding.domain;

import dev.fleet.events.v1.ItemVector;
import dev.fleet.schemas.ItemKey;

/**
 * An upserted item with its embedding.
 *
 * @param key    the item's key on the item topics
 * @param vector what goes to the item-vectors topic
 * @param tokens model tokens its text took (usage)
 */
public record VectorizedItem(ItemKey key, ItemVector vector, int tokens) {
}
