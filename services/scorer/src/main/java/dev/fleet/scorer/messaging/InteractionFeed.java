package dev.fleet.scorer.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.fleet.events.v1.Interaction;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.scorer.domain.profile.InteractionWeights;
import dev.fleet.scorer.domain.profile.ProfileInteraction;
import dev.fleet.scorer.domain.profile.UserProfiles;

/**
 * {@code fleet.interactions.v1} into the {@link UserProfiles} (decision 0039). Refuses (throws, so the record is
 * dead-lettered) a value that does not decode, a key other than the value's {@code tenantId/collection}, a
 * record on another partition than its collection's (no recommendation would see it), a blank user or item, and
 * a weight that is not positive and finite. A record with an {@code event-id} already in the user's profile,
 * or a duplicate interaction, changes nothing.
 */
class InteractionFeed implements ShardFeed {

    private final FleetSerde serde;
    private final UserProfiles profiles;
    private final int partitions = FleetTopics.INTERACTIONS.partitions();

    InteractionFeed(FleetSerde serde, UserProfiles profiles) {
        this.serde = serde;
        this.profiles = profiles;
    }

    @Override
    public Topic<?> topic() {
        return FleetTopics.INTERACTIONS;
    }

    @Override
    public void apply(ConsumerRecord<byte[], byte[]> raw) {
        Interaction interaction = serde.deserialize(FleetTopics.INTERACTIONS, raw.value());
        if (interaction == null) {
            throw new IllegalArgumentException("an interaction record has no value");
        }
        String key = raw.key() == null ? null : new String(raw.key(), StandardCharsets.UTF_8);
        String expected = interaction.getTenantId() + "/" + interaction.getCollection();
        if (!expected.equals(key)) {
            throw new IllegalArgumentException("interaction key '" + key + "' is not its collection's '" + expected
                    + "'");
        }
        int home = CollectionPartition.of(interaction.getTenantId(), interaction.getCollection(), partitions);
        if (home != raw.partition()) {
            throw new IllegalArgumentException("interaction of '" + expected + "' is on partition " + raw.partition()
                    + " but its collection's partition is " + home + " (decision 0039); no profile would see it");
        }
        if (interaction.getUser().isBlank() || interaction.getItemId().isBlank()) {
            throw new IllegalArgumentException("an interaction needs a user and an item id");
        }
        String eventId = FleetHeaders.get(raw.headers(), FleetHeaders.EVENT_ID).orElse(null);
        profiles.record(new UserProfiles.UserKey(interaction.getTenantId(), interaction.getCollection(),
                interaction.getUser()), new ProfileInteraction(interaction.getItemId(), interaction.getKind(),
                InteractionWeights.of(interaction.getKind(), interaction.getWeight()),
                interaction.getOccurredAt().toEpochMilli(), eventId));
    }

    @Override
    public void drop(Set<Integer> gone) {
        profiles.drop(gone);
    }
}
