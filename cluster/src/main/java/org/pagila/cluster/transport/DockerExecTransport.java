package org.pagila.cluster.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A container, reached as a VM is over SSH: each command is a `docker exec` on the node. */
public final class DockerExecTransport implements NodeTransport {
    private final String container;
    private final String serviceUser;

    /** container: its name or id; serviceUser: the OS user PostgreSQL runs as inside it (postgres). */
    public DockerExecTransport(String container, String serviceUser) {
        this.container = container;
        this.serviceUser = serviceUser;
    }

    @Override
    public String describe() {
        return "docker exec " + (container.length() > 12 ? container.substring(0, 12) : container);
    }

    @Override
    public Shell.Result exec(List<String> command, Map<String, String> env, byte[] stdin) {
        return Shell.exec(dockerExec(serviceUser, command, env, stdin != null), env, stdin, 600);
    }

    @Override
    public Shell.Result read(List<String> command, Shell.OutputReader reader) {
        return Shell.stream(dockerExec(serviceUser, command, Map.of(), false), Map.of(), reader, 600);
    }

    @Override
    public Shell.Result execAdmin(List<String> command) {
        return Shell.exec(dockerExec("root", command, Map.of(), false), Map.of(), null, 600);
    }

    private List<String> dockerExec(String user, List<String> command, Map<String, String> env, boolean stdin) {
        List<String> full = new ArrayList<>(List.of("docker", "exec"));
        if (stdin) {
            full.add("-i");
        }
        full.addAll(List.of("-u", user));
        // the value stays in our environment: `-e NAME` passes it without putting it on a command line
        env.keySet().forEach(name -> full.addAll(List.of("-e", name)));
        full.add(container);
        full.addAll(command);
        return full;
    }
}
