package dev.fleet.schemas;

import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemVector;

/**
 * The key of an item on {@code fleet.items.v1} and {@code fleet.item-vectors.v1}:
 * {@code tenantId/collection/itemId}. Tenant and collection contain no {@code /}; the item id may,
 * so the key parses unambiguously at the first two slashes.
 */
public record ItemKey(String tenantId, String collection, String itemId) {

    private static final char SEPARATOR = '/';

    public ItemKey {
        requireSegment("tenantId", tenantId, false);
        requireSegment("collection", collection, false);
        requireSegment("itemId", itemId, true);
    }

    /** The key of the item an event is about. */
    public static ItemKey of(ItemEvent event) {
        return new ItemKey(event.getTenantId(), event.getCollection(), event.getItemId());
    }

    /** The key of the item a vector belongs to. */
    public static ItemKey of(ItemVector vector) {
        return new ItemKey(vector.getTenantId(), vector.getCollection(), vector.getItemId());
    }

    /**
     * Parses {@code tenantId/collection/itemId}.
     *
     * @throws IllegalArgumentException if the key does not have that shape
     */
    public static ItemKey parse(String key) {
        if (key == null) {
            throw new IllegalArgumentException("item key is missing");
        }
        int first = key.indexOf(SEPARATOR);
        int second = first < 0 ? -1 : key.indexOf(SEPARATOR, first + 1);
        if (second < 0) {
            throw new IllegalArgumentException("item key '" + key + "' is not tenantId/collection/itemId");
        }
        return new ItemKey(key.substring(0, first), key.substring(first + 1, second), key.substring(second + 1));
    }

    @Override
    public String toString() {
        return tenantId + SEPARATOR + collection + SEPARATOR + itemId;
    }

    private static void requireSegment(String name, String value, boolean slashAllowed) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " of an item key must not be empty");
        }
        if (!slashAllowed && value.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException(name + " '" + value + "' must not contain '/'");
        }
    }
}
