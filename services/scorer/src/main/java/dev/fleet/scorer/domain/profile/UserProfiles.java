package dev.fleet.scorer.domain.profile;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.fleet.schemas.CollectionPartition;

/**
 * The profiles of the users of the collections this replica holds, by interactions partition (the same
 * numbers as the item-vectors partitions: decision 0039), bounded: at most {@code maxInteractions} per
 * (tenant, collection, user) — the most recent — and at most {@code maxUsersPerPartition} profiles per
 * partition, the least recently used (written or read) evicted first. An evicted user's later interactions
 * start a new profile; the partition's next rebuild restores it from the topic.
 * <p>
 * Thread-safe: written by the shard reader, read by searches; one lock per partition.
 */
public class UserProfiles {

    /** A user of a tenant's collection. */
    public record UserKey(String tenantId, String collection, String user) {
    }

    /** What a recommendation needs of a profile: its interactions and the items they name. */
    public record Snapshot(List<ProfileInteraction> interactions, Set<String> itemIds) {
    }

    private final int partitions;
    private final int maxInteractions;
    private final int maxUsersPerPartition;
    private final Map<Integer, Partition> byPartition = new HashMap<>();

    private final class Partition extends LinkedHashMap<UserKey, UserProfile> {
        private static final long serialVersionUID = 1L;
        private long evictions;

        Partition() {
            super(16, 0.75f, true);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<UserKey, UserProfile> eldest) {
            boolean evict = size() > maxUsersPerPartition;
            if (evict) {
                evictions++;
            }
            return evict;
        }
    }

    public UserProfiles(int partitions, int maxInteractions, int maxUsersPerPartition) {
        if (maxInteractions < 1 || maxUsersPerPartition < 1) {
            throw new IllegalArgumentException("profile limits must be at least 1");
        }
        this.partitions = partitions;
        this.maxInteractions = maxInteractions;
        this.maxUsersPerPartition = maxUsersPerPartition;
    }

    /** Adds {@code interaction} to the user's profile; returns false if it was a duplicate (or too old to keep). */
    public boolean record(UserKey user, ProfileInteraction interaction) {
        Partition partition = partition(partitionOf(user), true);
        synchronized (partition) {
            return partition.computeIfAbsent(user, k -> new UserProfile(maxInteractions)).add(interaction);
        }
    }

    /** The user's profile, if this replica has one (an unknown or evicted user has none). */
    public Optional<Snapshot> find(UserKey user) {
        Partition partition = partition(partitionOf(user), false);
        if (partition == null) {
            return Optional.empty();
        }
        synchronized (partition) {
            UserProfile profile = partition.get(user);
            return profile == null ? Optional.empty()
                    : Optional.of(new Snapshot(profile.interactions(), profile.itemIds()));
        }
    }

    /** Forgets the profiles of {@code dropped} partitions (no longer held, or about to be read again). */
    public synchronized void drop(Set<Integer> dropped) {
        dropped.forEach(byPartition::remove);
    }

    /** Profiles held for {@code partition}. */
    public int users(int partition) {
        Partition p = partition(partition, false);
        if (p == null) {
            return 0;
        }
        synchronized (p) {
            return p.size();
        }
    }

    /** Profiles evicted from {@code partition} to stay within the user limit, since it was last read. */
    public long evictions(int partition) {
        Partition p = partition(partition, false);
        if (p == null) {
            return 0;
        }
        synchronized (p) {
            return p.evictions;
        }
    }

    private int partitionOf(UserKey user) {
        return CollectionPartition.of(user.tenantId(), user.collection(), partitions);
    }

    private synchronized Partition partition(int partition, boolean create) {
        return create ? byPartition.computeIfAbsent(partition, p -> new Partition()) : byPartition.get(partition);
    }
}
