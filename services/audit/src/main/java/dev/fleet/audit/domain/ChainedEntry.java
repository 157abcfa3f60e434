package dev.fleet.audit.domain;

/** An entry with its place in its tenant's hash chain, as it is written. */
public record ChainedEntry(AuditEntry entry, long position, byte[] previousHash, byte[] hash) {
}
