package org.pagila.cluster.demo;

/**
 * How the demo breaks and mends the cluster. The embedded cluster kills a local postmaster; a Patroni cluster
 * (`up --ha`) crashes a whole member and lets Patroni promote: a new profile adds an implementation and a name in
 * {@link DemoCommand#faults}, the scenario stays the same.
 */
public interface FaultInjector {

    /** Crash the node as abruptly as the profile allows. */
    void crash(String node);

    /**
     * Make a standby the primary, or wait for the profile to do it on its own.
     *
     * @return the new primary's name
     */
    String promote();

    /** Bring the crashed former primary back as a standby. */
    void rejoin(String node);

    /** For the narration: "SIGKILL of the postmaster", ... */
    String describeCrash();

    /** For the narration: who promotes, and how. */
    String describePromote();
}
