package dev.fleet.orchestrator.domain;

/**
 * A user's arm in an experiment, as assigned for one request.
 *
 * @param experiment the experiment's name
 * @param alias      the alias it runs on
 * @param arm        the arm's name
 * @param user       the user as the client named it
 * @param bucket     the user's stable hash bucket (0-9999) that decided the arm
 */
public record ArmAssignment(String experiment, String alias, String arm, String user, int bucket) {
}
