package dev.fleet.scorer.domain;

import java.util.List;

/** A recommendation named example items that are not in the collection. */
public class UnknownItemsException extends IllegalArgumentException {

    private final List<String> itemIds;

    public UnknownItemsException(List<String> itemIds) {
        super("no such item" + (itemIds.size() == 1 ? "" : "s") + " in the collection: " + String.join(", ", itemIds));
        this.itemIds = List.copyOf(itemIds);
    }

    public List<String> itemIds() {
        return itemIds;
    }
}
