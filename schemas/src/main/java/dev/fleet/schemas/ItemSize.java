package dev.fleet.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.fleet.events.v1.ItemUpserted;

/**
 * The size of a knowledge item, the one definition that item limits are counted in (the gateway's
 * per-item cap and its admission, usage-metering's per-tenant totals): the UTF-8 bytes of its text
 * plus those of every metadata key and value. Not the size of the record on the wire (no keys,
 * framing or vector): what the tenant sent, independent of encoding.
 */
public final class ItemSize {

    private ItemSize() {
    }

    /** The size of an upserted item, in bytes. */
    public static long of(ItemUpserted item) {
        return of(item.getText(), item.getMetadata());
    }

    /** The size of an item with {@code text} and {@code metadata}, in bytes. */
    public static long of(String text, Map<String, String> metadata) {
        long bytes = utf8(text);
        if (metadata != null) {
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                bytes += utf8(entry.getKey()) + utf8(entry.getValue());
            }
        }
        return bytes;
    }

    private static long utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
