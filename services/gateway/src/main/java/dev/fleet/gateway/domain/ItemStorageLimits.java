package dev.fleet.gateway.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
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
 * What this replica admitted is reserved on top of the stored count until metering's count has caught up
 * with it (a storage record dated at or after the admission), the publication failed, or
 * {@link #RESERVATION_TTL} passed, so this replica's own concurrent or back-to-back upserts do not
 * overshoot while the count travels.
 * <p>
 * Limits: every item of an upsert counts as new, since this replica cannot tell whether an id is stored
 * (that would take a mirror of every item of every tenant); so a tenant at its item limit cannot replace
 * an item in place before it deletes one, and re-upserted items count with their full size against the
 * byte limit. Other replicas' admissions are seen only once metering counted them (about a second): a
 * tenant may go past its limits by what the other replicas admitted meanwhile. A storage record dated by
 * another item of the tenant may release a reservation whose items metering has not counted yet (items
 * sit on several partitions). A tenant not (yet) known here has no limits; one with no storage record yet
 * stores nothing.
 */
public final class ItemStorageLimits {

    /** Longest a reservation waits for metering's count to include it (metering commits every 500 ms). */
    public static final Duration RESERVATION_TTL = Duration.ofSeconds(10);

    /** Items and bytes admitted by this replica at a time, not yet in metering's count. */
    public record Reservation(String tenantId, long items, long bytes, Instant at) {
    }

    /** One tenant's limits (null: none known), its stored count and what this replica reserved; guarded by itself. */
    private static final class TenantItems {
        Long maxItems;
        Long maxStoredBytes;
        Long maxItemBytes;
        boolean limited;
        long storedItems;
        long storedBytes;
        final Deque<Reservation> reserved = new ArrayDeque<>();
    }

    private final Map<String, TenantItems> tenants = new ConcurrentHashMap<>();
    private final Clock clock;

    public ItemStorageLimits(Clock clock) {
        this.clock = clock;
    }

    /** Applies one record of the tenants topic (a tombstone forgets the tenant's limits). */
    public void applyTenant(String tenantId, Tenant tenant) {
        TenantItems items = tenant(tenantId);
        synchronized (items) {
            items.limited = tenant != null;
            items.maxItems = tenant == null ? null : tenant.getMaxItems();
            items.maxStoredBytes = tenant == null ? null : tenant.getMaxStoredBytes();
            items.maxItemBytes = tenant == null ? null : tenant.getMaxItemBytes();
        }
    }

    /** Applies one record of the item storage topic (a tombstone: nothing stored). */
    public void applyStorage(String tenantId, ItemStorage storage) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("item storage record without a tenant id");
        }
        TenantItems items = tenant(tenantId);
        synchronized (items) {
            items.storedItems = storage == null ? 0 : storage.getItems();
            items.storedBytes = storage == null ? 0 : storage.getBytes();
            if (storage != null) {
                items.reserved.removeIf(r -> !r.at().isAfter(storage.getUpdatedAt()));
            }
        }
    }

    /**
     * Checks that {@code upserts} may be stored for {@code tenantId} and reserves them.
     *
     * @return the reservation, to {@link #release} if they are not published after all
     * @throws ItemTooLargeException      when one item is over the tenant's {@code maxItemBytes} (the first such)
     * @throws ItemQuotaExceededException when storing them all would take the tenant over {@code maxItems} or
     *                                    {@code maxStoredBytes}
     */
    public Reservation admit(String tenantId, List<ItemUpserted> upserts) {
        // in whole milliseconds, as the record timestamps that date metering's totals: a record sent within the
        // same millisecond as its admission must count as at or after it
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        TenantItems items = tenant(tenantId);
        synchronized (items) {
            long bytes = 0;
            for (int i = 0; i < upserts.size(); i++) {
                long size = ItemSize.of(upserts.get(i));
                if (items.maxItemBytes != null && size > items.maxItemBytes) {
                    throw new ItemTooLargeException(i, size, items.maxItemBytes);
                }
                bytes += size;
            }
            Reservation reservation = new Reservation(tenantId, upserts.size(), bytes, now);
            if (!items.limited) {
                return reservation;
            }
            items.reserved.removeIf(r -> r.at().plus(RESERVATION_TTL).isBefore(now));
            long reservedItems = 0;
            long reservedBytes = 0;
            for (Reservation r : items.reserved) {
                reservedItems += r.items();
                reservedBytes += r.bytes();
            }
            long storedItems = items.storedItems + reservedItems;
            long storedBytes = items.storedBytes + reservedBytes;
            if (items.maxItems != null && storedItems + upserts.size() > items.maxItems) {
                throw new ItemQuotaExceededException("items", storedItems, upserts.size(), items.maxItems);
            }
            if (items.maxStoredBytes != null && storedBytes + bytes > items.maxStoredBytes) {
                throw new ItemQuotaExceededException("bytes", storedBytes, bytes, items.maxStoredBytes);
            }
            items.reserved.add(reservation);
            return reservation;
        }
    }

    /** Gives back what {@code reservation} held: its items were not published. */
    public void release(Reservation reservation) {
        TenantItems items = tenant(reservation.tenantId());
        synchronized (items) {
            items.reserved.remove(reservation);
        }
    }

    private TenantItems tenant(String tenantId) {
        return tenants.computeIfAbsent(tenantId, id -> new TenantItems());
    }
}
