package org.pagila.cluster.kvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.transport.Shell;

/**
 * The golden image built here from Debian packages (debootstrap), for machines with a Debian mirror but no
 * route to cloud-images.ubuntu.com: PostgreSQL, cloud-init, netplan and an SSH server baked in, so nothing is
 * installed at first boot; the kernel and initrd lie beside the disk for libvirt's direct kernel boot.
 * The image lives in the cache directory under a name derived from every input (the build script itself
 * included): the same inputs reuse it, any change builds a new one.
 */
public final class DebianGoldenImage {
    private static final String SCRIPT = "debian-golden.sh";
    private static final int BUILD_TIMEOUT_SECONDS = 40 * 60;

    private final KvmConfig config;

    public DebianGoldenImage(KvmConfig config) {
        this.config = config;
    }

    /** The directory holding disk.qcow2, vmlinuz and initrd.img for these inputs. */
    public Path dir() {
        return config.image().cacheDir().resolve("debian-" + config.image().debianSuite() + "-postgresql-" + config.postgresVersion()
                + "-" + key().substring(0, 12));
    }

    public Path disk() {
        return dir().resolve("disk.qcow2");
    }

    public Path kernel() {
        return dir().resolve("vmlinuz");
    }

    public Path initrd() {
        return dir().resolve("initrd.img");
    }

    /**
     * The kernel command line: the root file system is the whole disk (no partition table, no bootloader). The
     * console keeps systemd's progress (KvmFiles logs it to a file) but only the kernel's warnings: every line on
     * an emulated serial port costs time.
     */
    public static String kernelCommandLine() {
        return "root=/dev/vda rw console=ttyS0 loglevel=4";
    }

    public boolean isBuilt() {
        return Files.isRegularFile(disk()) && Files.isRegularFile(kernel()) && Files.isRegularFile(initrd());
    }

    public String describe() {
        return "Debian " + config.image().debianSuite() + " golden image " + disk() + " (debootstrap from " + config.image().debianMirror()
                + ": postgresql-" + config.postgresVersion() + ", cloud-init, netplan.io, openssh-server, python3-cffi-backend;"
                + " kernel and initrd beside it for direct boot); built once for these inputs, reused after";
    }

    /** Builds the image unless one for the same inputs exists. Returns the build's duration (zero when reused). */
    public Duration ensureBuilt(Progress progress) {
        if (isBuilt()) {
            progress.detail(dir().getFileName() + " exists (same inputs): reused");
            return Duration.ZERO;
        }
        for (String program : List.of("debootstrap", "mkfs.ext4", "qemu-img", "unshare", "chroot")) {
            if (Shell.exec(List.of("sh", "-c", "command -v " + program)).exitCode() != 0) {
                throw new ClusterException("Building the Debian golden image needs " + program
                        + " (Debian packages: debootstrap e2fsprogs qemu-utils util-linux coreutils)");
            }
        }
        Instant started = Instant.now();
        Path building = dir().resolveSibling(dir().getFileName() + ".building-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(building);
            Path script = building.resolve(SCRIPT);
            Files.writeString(script, script());
            progress.detail("debootstrap " + config.image().debianSuite() + " into " + building + " (a few minutes; once per inputs)");
            // A private mount namespace: the chroot's /proc and /dev mounts go away with the process, whatever happens.
            int exit = runShowingSteps(List.of("nice", "-n", "10", "unshare", "--mount", "--propagation", "private",
                    "bash", script.toString(), building.toString(), config.image().debianSuite(), config.image().debianMirror().toString(),
                    String.valueOf(config.diskGib()), config.postgresVersion(), config.vmUser()), building.resolve("build.log"), progress);
            if (exit != 0) {
                throw new ClusterException("Building the Debian golden image failed (exit " + exit + "); logs in " + building
                        + " (build.log, debootstrap.log, apt.log)");
            }
            Files.move(building, dir(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ClusterException("Cannot build the Debian golden image in " + building + ": " + e.getMessage(), e);
        }
        return Duration.between(started, Instant.now());
    }

    /** Every input of the build: the script, the suite, the mirror, the size, PostgreSQL's version, the admin user. */
    String key() {
        String inputs = String.join("\n", script(), config.image().debianSuite(), config.image().debianMirror().toString(),
                String.valueOf(config.diskGib()), config.postgresVersion(), config.vmUser());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(inputs.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String script() {
        try (InputStream in = DebianGoldenImage.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the build, each of its step lines shown as progress as it comes, everything kept in the log. */
    private static int runShowingSteps(List<String> command, Path log, Progress progress) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.write(line + "\n");
                progress.detail(line);
            }
        }
        try {
            if (!process.waitFor(BUILD_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ClusterException("The Debian golden image build took over " + BUILD_TIMEOUT_SECONDS / 60 + " min: stopped");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while building the Debian golden image", e);
        }
    }
}
