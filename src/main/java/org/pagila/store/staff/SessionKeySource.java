package org.pagila.store.staff;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.secrets.Secrets;

/**
 * The key that encrypts the staff session cookie. Without one Quarkus makes a key per start and logs it in a WARN,
 * i.e. the key that opens every session lands in the log, and a restart signs every clerk out. The key is kept in
 * the cluster's folder (mode 600, beside the store's secrets), made once; before the first `up` has made that folder
 * it lives in memory for this run only. An explicit {@code quarkus.http.auth.session.encryption-key} (e.g. the same
 * key for several store instances behind one proxy) wins: the environment and application.properties rank higher.
 */
public class SessionKeySource implements ConfigSourceFactory {
    static final String KEY = "quarkus.http.auth.session.encryption-key";
    static final String FILE_NAME = "store-session.key";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue explicit = context.getValue(KEY);
        if (explicit != null && explicit.getValue() != null) {
            return List.of();
        }
        ClusterSettings settings = ClusterSettings.from(key -> Optional.ofNullable(context.getValue(key))
                .map(ConfigValue::getValue).filter(v -> !v.isBlank()));
        return List.of(new MapBackedConfigSource("pagila-session-key", Map.of(KEY, keyIn(settings.clusterDir())), 100) {
        });
    }

    /** The kept key, or a new one (kept when the cluster's folder exists). */
    static String keyIn(Path clusterDir) {
        Path file = clusterDir.resolve(FILE_NAME);
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (kept.length() >= 16) {
                    return kept;
                }
            }
            String fresh = Secrets.generate() + Secrets.generate();
            if (Files.isDirectory(clusterDir)) {
                Path temp = Files.createTempFile(clusterDir, FILE_NAME, ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, fresh, StandardCharsets.UTF_8);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return fresh;
            }
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the session key in " + file, e);
        }
    }
}
