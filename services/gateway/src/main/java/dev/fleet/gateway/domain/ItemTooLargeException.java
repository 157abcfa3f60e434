package dev.fleet.gateway.domain;

/** One item of an upsert is larger than its tenant's {@code maxItemBytes}; nothing is published (413). */
public class ItemTooLargeException extends RuntimeException {

    private final int index;

    public ItemTooLargeException(int index, long bytes, long limitBytes) {
        super("items[" + index + "] is " + bytes + " bytes (text and metadata, UTF-8); the limit is " + limitBytes
                + " bytes per item");
        this.index = index;
    }

    /** The position of the item in the request. */
    public int index() {
        return index;
    }
}
