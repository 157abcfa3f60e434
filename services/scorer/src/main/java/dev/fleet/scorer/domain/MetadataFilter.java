package dev.fleet.scorer.domain;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which items a search may return, by metadata: every named key must be present with one of its allowed
 * values ({@code {"team": ["billing"]}} is equality, several values an {@code in} list). Checked for each
 * item during the scan, before scoring, so a filter never shrinks the top k.
 */
public final class MetadataFilter {

    /** Lets every item through. */
    public static final MetadataFilter NONE = new MetadataFilter(Map.of());

    private final String[] keys;
    private final Set<String>[] allowed;

    @SuppressWarnings("unchecked")
    private MetadataFilter(Map<String, Set<String>> conditions) {
        this.keys = conditions.keySet().toArray(String[]::new);
        this.allowed = new Set[keys.length];
        for (int i = 0; i < keys.length; i++) {
            allowed[i] = conditions.get(keys[i]);
        }
    }

    /** A filter of key → allowed values; an empty map filters nothing. */
    public static MetadataFilter of(Map<String, ? extends List<String>> conditions) {
        if (conditions == null || conditions.isEmpty()) {
            return NONE;
        }
        return new MetadataFilter(conditions.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue()))));
    }

    public boolean isEmpty() {
        return keys.length == 0;
    }

    public boolean matches(Map<String, String> metadata) {
        for (int i = 0; i < keys.length; i++) {
            String value = metadata.get(keys[i]);
            if (value == null || !allowed[i].contains(value)) {
                return false;
            }
        }
        return true;
    }
}
