package org.pagila.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Loads Pagila's pg_dump files over JDBC alone: the schema as plain SQL, each COPY block of the data
 * through PgJDBC's CopyManager. No psql is needed. The whole data load is one transaction.
 */
public final class PagilaLoader {
    private static final Pattern COPY = Pattern.compile("^COPY (\\S+) .* FROM stdin;$");

    private final Progress progress;

    public PagilaLoader(Progress progress) {
        this.progress = progress;
    }

    public void loadSchema(Connection connection, Path schema) throws SQLException, IOException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(Files.readString(schema, StandardCharsets.UTF_8));
        }
        // pg_dump's preamble empties the search_path for the session; give it back.
        try (Statement statement = connection.createStatement()) {
            statement.execute("RESET search_path");
        }
        progress.detail("schema loaded");
    }

    /** Returns the number of rows copied. */
    public long loadData(Connection connection, Path data) throws SQLException, IOException {
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        long total = 0;
        try (BufferedReader in = Files.newBufferedReader(data, StandardCharsets.UTF_8);
             Statement statement = connection.createStatement()) {
            // The dump is ordered for a load with foreign-key triggers off (store and staff refer to each other).
            statement.execute("SET session_replication_role = replica");
            StringBuilder sql = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                Matcher copyLine = COPY.matcher(line);
                if (copyLine.matches()) {
                    StringBuilder rows = new StringBuilder();
                    String row;
                    while ((row = in.readLine()) != null && !row.equals("\\.")) {
                        rows.append(row).append('\n');
                    }
                    long copied = copy.copyIn(line, new StringReader(rows.toString()));
                    total += copied;
                    progress.detail(String.format("%-28s %,7d rows", copyLine.group(1), copied));
                } else if (!line.startsWith("--") && !line.isBlank()) {
                    sql.append(line).append('\n');
                    if (line.endsWith(";")) {
                        statement.execute(sql.toString());
                        sql.setLength(0);
                    }
                }
            }
            statement.execute("SET session_replication_role = DEFAULT");
            statement.execute("RESET search_path");
            connection.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        progress.detail(String.format("%,d rows loaded", total));
        return total;
    }

}
