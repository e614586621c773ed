package org.pagila.cluster.secrets;

import org.pagila.cluster.ClusterException;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Staff sign-in passwords: generated, kept in the cluster's secrets file (key {@code staff.USERNAME.password}) and
 * stored in the database only as bcrypt hashes (table {@code staff_credential}, created by the store's migrations).
 * Writes need the owner's login: the store's own role may read the hashes but never change them.
 */
public final class StaffPasswords {
    private static final int BCRYPT_COST = 10;

    private StaffPasswords() {
    }

    public static String secretsKey(String username) {
        return "staff." + username + ".password";
    }

    /** Gives each active staff member without a credential a new password; returns username -> password created. */
    public static Map<String, String> ensure(Connection owner, Secrets secrets) throws SQLException {
        Map<String, String> created = new LinkedHashMap<>();
        for (String username : staffWithoutCredential(owner)) {
            created.put(username, setPassword(owner, secrets, username));
        }
        return created;
    }

    /** Replaces a staff member's password with a new generated one and returns it. */
    public static String reset(Connection owner, Secrets secrets, String username) throws SQLException {
        return setPassword(owner, secrets, username);
    }

    public static boolean matches(String password, String hash) {
        return BCrypt.verifyer().verify(password.toCharArray(), hash).verified;
    }

    private static List<String> staffWithoutCredential(Connection owner) throws SQLException {
        requireCredentialTable(owner);
        List<String> usernames = new ArrayList<>();
        try (PreparedStatement s = owner.prepareStatement("SELECT username FROM staff s WHERE active "
                + "AND NOT EXISTS (SELECT FROM staff_credential c WHERE c.staff_id = s.staff_id) ORDER BY staff_id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                usernames.add(rs.getString(1));
            }
        }
        return usernames;
    }

    private static String setPassword(Connection owner, Secrets secrets, String username) throws SQLException {
        // the name first: a mistyped name is the operator's to fix whatever the schema's state
        requireStaffMember(owner, username);
        requireCredentialTable(owner);
        String password = Secrets.generate();
        String hash = BCrypt.withDefaults().hashToString(BCRYPT_COST, password.toCharArray());
        try (PreparedStatement s = owner.prepareStatement("INSERT INTO staff_credential (staff_id, password_hash) "
                + "SELECT staff_id, ? FROM staff WHERE username = ? "
                + "ON CONFLICT (staff_id) DO UPDATE SET password_hash = excluded.password_hash, changed_at = now()")) {
            s.setString(1, hash);
            s.setString(2, username);
            if (s.executeUpdate() == 0) {
                throw new ClusterException("No staff member with username '" + username + "' (Pagila's are Mike and Jon)");
            }
        }
        secrets.put(secretsKey(username), password);
        return password;
    }

    private static void requireStaffMember(Connection owner, String username) throws SQLException {
        List<String> staff = new ArrayList<>();
        try (PreparedStatement s = owner.prepareStatement("SELECT username FROM staff ORDER BY staff_id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                staff.add(rs.getString(1));
            }
        }
        if (!staff.contains(username)) {
            throw new ClusterException("No staff member with username '" + username + "': Pagila's are "
                    + String.join(", ", staff) + " (the name as written, capitals included)");
        }
    }

    private static void requireCredentialTable(Connection owner) throws SQLException {
        try (PreparedStatement s = owner.prepareStatement("SELECT to_regclass('public.staff_credential') IS NOT NULL");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new ClusterException("No staff_credential table yet: start the store once, it applies the schema migrations");
            }
        }
    }
}
