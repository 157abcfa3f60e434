package dev.fleet.gateway.domain;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.fleet.events.v1.ItemStorage;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.events.v1.Tenant;
import dev.fleet.schemas.ItemSize;

/**
 * Every tenant's knowledge item limits ({@code maxItems}, {@code maxStoredBytes}, {@code maxItemBytes} of its
 * record on the compacted {@code fleet.tenants.v1}) and what it stores ({@link ItemStorage}, counted by
 * usage-metering on the compacted {@code fleet.item-storage.v1}), and the check of an upsert against them
 * before anything is published (decision 0048). Sizes are {@link ItemSize}, as metering counts them.
 * <p>
 * Limits: every item of an upsert counts as new, since this replica cannot tell whether an id is stored
 * (that would take a mirror of every item of every tenant); so a tenant at its item limit cannot replace
 * an item in place before it deletes one, and re-upserted items count with their full size against the
 * byte limit. The totals are as fresh as metering's last commit plus the mirror (about a second): upserts
 * admitted meanwhile, by this and every other replica, may take a tenant past its limits by that much.
 * A tenant not (yet) known here has no limits; one with no storage record yet stores nothing.
 */
public final class ItemStorageLimits {

    private record Limits(Long maxItems, Long maxStoredBytes, Long maxItemBytes) {
    }

    private record Stored(long items, long bytes) {
    }

    private static final Stored NOTHING = new Stored(0, 0);

    private final Map<String, Limits> limits = new ConcurrentHashMap<>();
    private final Map<String, Stored> stored = new ConcurrentHashMap<>();

    /** Applies one record of the tenants topic (a tombstone forgets the tenant's limits). */
    public void applyTenant(String tenantId, Tenant tenant) {
        if (tenant == null) {
            limits.remove(tenantId);
            return;
        }
        limits.put(tenantId, new Limits(tenant.getMaxItems(), tenant.getMaxStoredBytes(), tenant.getMaxItemBytes()));
    }

    /** Applies one record of the item storage topic (a tombstone: nothing stored). */
    public void applyStorage(String tenantId, ItemStorage storage) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("item storage record without a tenant id");
        }
        if (storage == null) {
            stored.remove(tenantId);
            return;
        }
        stored.put(tenantId, new Stored(storage.getItems(), storage.getBytes()));
    }

    /**
     * Checks that {@code items} may be upserted for {@code tenantId}.
     *
     * @throws ItemTooLargeException      when one item is over the tenant's {@code maxItemBytes} (the first such)
     * @throws ItemQuotaExceededException when storing them all would take the tenant over {@code maxItems} or
     *                                    {@code maxStoredBytes}
     */
    public void admit(String tenantId, List<ItemUpserted> items) {
        Limits tenant = limits.get(tenantId);
        if (tenant == null) {
            return;
        }
        long bytes = 0;
        for (int i = 0; i < items.size(); i++) {
            long size = ItemSize.of(items.get(i));
            if (tenant.maxItemBytes() != null && size > tenant.maxItemBytes()) {
                throw new ItemTooLargeException(i, size, tenant.maxItemBytes());
            }
            bytes += size;
        }
        Stored now = stored.getOrDefault(tenantId, NOTHING);
        if (tenant.maxItems() != null && now.items() + items.size() > tenant.maxItems()) {
            throw new ItemQuotaExceededException("items", now.items(), items.size(), tenant.maxItems());
        }
        if (tenant.maxStoredBytes() != null && now.bytes() + bytes > tenant.maxStoredBytes()) {
            throw new ItemQuotaExceededException("bytes", now.bytes(), bytes, tenant.maxStoredBytes());
        }
    }
}
