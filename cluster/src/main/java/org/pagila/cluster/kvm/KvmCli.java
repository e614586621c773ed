package org.pagila.cluster.kvm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.Progress;

/** `cluster/pagila-cluster kvm ...`: the KVM topology's commands. */
public final class KvmCli {
    static final String USAGE = """
            usage: cluster/pagila-cluster kvm COMMAND [--config FILE]
              plan            print every action apply would take, in order; changes nothing
              apply           build the topology (libvirt network, golden image, VMs, PostgreSQL); run again to converge
              status          one row per node: role, address, WAL position, lag, slot
              promote [NODE]  failover: promote NODE (default: the most advanced standby), re-point the other standbys
              rejoin NODE     make NODE (e.g. the old primary) a standby of the current primary: pg_rewind, else a fresh clone
              destroy         remove what apply created (its record in the work directory), nothing else
              render DIR      write the generated files (libvirt XML, cloud-init seeds) under DIR, to read or validate
            configuration: cluster/kvm/topology.properties (or --config FILE, or PAGILA_KVM_CONFIG)
            """;

    private KvmCli() {
    }

    public static int run(List<String> arguments) {
        List<String> args = new ArrayList<>(arguments);
        Path configFile = Optional.ofNullable(System.getenv("PAGILA_KVM_CONFIG")).map(Path::of).orElse(KvmConfig.DEFAULT_FILE);
        int at = args.indexOf("--config");
        if (at >= 0) {
            if (at + 1 >= args.size()) {
                System.err.print("--config needs a file\n" + USAGE);
                return 2;
            }
            configFile = Path.of(args.get(at + 1));
            args.remove(at + 1);
            args.remove(at);
        }
        if (args.isEmpty()) {
            System.err.print(USAGE);
            return 2;
        }
        KvmTopology topology = new KvmTopology(KvmConfig.load(configFile), new Progress(System.out, 1));
        switch (args.get(0)) {
            case "plan" -> System.out.print(topology.plan());
            case "apply" -> topology.apply();
            case "status" -> System.out.print(topology.statusTable());
            case "destroy" -> topology.destroy();
            case "promote" -> topology.promote(args.size() > 1 ? Optional.of(args.get(1)) : Optional.empty());
            case "rejoin", "render" -> {
                if (args.size() != 2) {
                    System.err.print(args.get(0) + " needs one argument\n" + USAGE);
                    return 2;
                }
                if (args.get(0).equals("rejoin")) {
                    topology.rejoin(args.get(1));
                } else {
                    KvmConfig config = KvmConfig.load(configFile);
                    KvmFiles.write(topology.files().all(config.networkName()), config.workDir(), Path.of(args.get(1)));
                    System.out.println("generated files written under " + args.get(1));
                }
            }
            default -> {
                System.err.print("unknown kvm command: " + args.get(0) + "\n" + USAGE);
                return 2;
            }
        }
        return 0;
    }
}
