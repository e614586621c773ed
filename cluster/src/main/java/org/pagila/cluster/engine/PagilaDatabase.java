package org.pagila.cluster.engine;

import java.util.function.Supplier;
import org.pagila.cluster.Progress;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.pagila.PagilaInstall;
import org.pagila.cluster.secrets.Secrets;

/**
 * The engine's step for database pagila on the primary. Whether to load is PagilaInstall's decision: a completed
 * load is recorded in the same transaction as the data, a recorded load is never touched again, and on doubt
 * bring-up stops with a message. Nothing here ever drops the database.
 */
public final class PagilaDatabase {
    private PagilaDatabase() {
    }

    public static Step step(Node primary, Supplier<NodeControl> control, PagilaFiles files, Progress progress) {
        return Step.of(primary.name(), "database pagila: Pagila v" + PagilaFiles.VERSION + " (SHA-256 verified) and role "
                        + Secrets.APP_USER + ", over JDBC from this machine",
                () -> {
                    NodeControl nodes = control.get();
                    PagilaInstall.ensureLoaded(database -> nodes.connect(primary, database), files, nodes.secrets(), progress);
                });
    }
}
