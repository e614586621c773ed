package org.pagila.cluster.history;

import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `cluster/pagila-cluster grow N`: see {@link HistoryGrowth}. */
@Command(name = "grow", description = "Make the rental history N times Pagila's (returned rentals further back in time, "
        + "with their payments), for benchmarks; adds to earlier growth.")
public final class GrowCommand implements Runnable {
    @Parameters(paramLabel = "N", description = "the factor: 10 makes the rental history ten times Pagila's (1 to 1000)")
    int factor;

    @Override
    public void run() {
        ClusterSettings settings = ClusterSettings.fromSystem();
        Secrets secrets = Secrets.load(settings.secretsFile());
        HistoryGrowth.withPrimary(
                () -> Jdbc.connectPrimary(settings, "pagila", Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER)),
                owner -> new HistoryGrowth(owner, new Progress(System.out, 1)).grow(factor));
    }
}
