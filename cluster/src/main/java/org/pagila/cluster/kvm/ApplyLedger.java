package org.pagila.cluster.kvm;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.pagila.cluster.ClusterException;

/**
 * What `kvm apply` created, in state.properties in the work directory: destroy removes exactly what is recorded
 * here (domains, networks, files, the host primary's changes) and nothing that existed before.
 */
final class ApplyLedger {
    private final Path file;
    private final Properties state = new Properties();

    ApplyLedger(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void load() {
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                state.load(in);
            } catch (IOException e) {
                throw new ClusterException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    boolean isEmpty() {
        return state.isEmpty();
    }

    boolean created(String what) {
        return "created".equals(state.getProperty(what));
    }

    void record(String what) {
        state.setProperty(what, "created");
        save();
    }

    void recordFile(Path path) {
        if (!state.containsKey("file." + path)) {
            state.setProperty("file." + path, path.toString());
            save();
        }
    }

    List<Path> files() {
        return state.stringPropertyNames().stream().filter(k -> k.startsWith("file.")).map(k -> Path.of(state.getProperty(k))).toList();
    }

    private void save() {
        try (Writer out = Files.newBufferedWriter(file)) {
            state.store(out, "What kvm apply created (kvm destroy removes exactly this)");
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
