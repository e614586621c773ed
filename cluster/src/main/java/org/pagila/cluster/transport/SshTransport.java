package org.pagila.cluster.transport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A VM over SSH, as the cloud image's admin user with passwordless sudo (cloud-init sets it up): commands for
 * PostgreSQL run through `sudo -u postgres`, service control through `sudo`.
 */
public final class SshTransport implements NodeTransport {
    private final String user;
    private final String host;
    private final Path identity;
    private final String serviceUser;

    public SshTransport(String user, String host, Path identity, String serviceUser) {
        this.user = user;
        this.host = host;
        this.identity = identity;
        this.serviceUser = serviceUser;
    }

    @Override
    public String describe() {
        return "ssh " + user + "@" + host;
    }

    @Override
    public Shell.Result exec(List<String> command, Map<String, String> env, byte[] stdin) {
        List<String> remote = new ArrayList<>(List.of("sudo", "-n", "-H", "-u", serviceUser, "--"));
        if (!env.isEmpty()) {
            // names of files only (PGPASSFILE): these words are on the remote command line
            remote.add("env");
            env.forEach((name, value) -> remote.add(name + "=" + value));
        }
        remote.addAll(command);
        return Shell.exec(ssh(remote), Map.of(), stdin, 900);
    }

    @Override
    public Shell.Result read(List<String> command, Shell.OutputReader reader) {
        List<String> remote = new ArrayList<>(List.of("sudo", "-n", "-H", "-u", serviceUser, "--"));
        remote.addAll(command);
        return Shell.stream(ssh(remote), Map.of(), reader, 900);
    }

    @Override
    public Shell.Result execAdmin(List<String> command) {
        List<String> remote = new ArrayList<>(List.of("sudo", "-n", "--"));
        remote.addAll(command);
        return Shell.exec(ssh(remote), Map.of(), 900);
    }

    /**
     * ssh joins its arguments into one remote shell command line: each word is quoted for that shell. ConnectTimeout
     * also bounds the banner exchange: 30 s, because a VM under software emulation on a busy machine was seen to
     * need more than 10 s for it (KvmTopologyIT, load average 45 on 2 cores). The commands to one VM share one
     * connection (ControlMaster, kept 2 minutes after the last use): an apply runs dozens of short commands per VM,
     * and under software emulation each new connection's key exchange cost the VM seconds of CPU.
     */
    public List<String> ssh(List<String> remoteCommand) {
        return List.of("ssh", "-i", identity.toString(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new",
                "-o", "ConnectTimeout=30", "-o", "UserKnownHostsFile=" + identity.resolveSibling("known_hosts"),
                "-o", "ControlMaster=auto", "-o", "ControlPath=" + identity.resolveSibling("ssh-%C"), "-o", "ControlPersist=120",
                user + "@" + host, NodeTransport.quote(remoteCommand));
    }
}
