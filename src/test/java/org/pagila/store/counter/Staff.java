package org.pagila.store.counter;

import static io.restassured.RestAssured.given;

import io.restassured.filter.cookie.CookieFilter;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.secrets.StaffPasswords;
import org.pagila.store.cluster.TestCluster;

/** Test helpers: staff passwords from the cluster's secrets file, signed-in clients, data set up behind the store's back. */
public final class Staff {
    private Staff() {
    }

    public static String password(String username) {
        return Secrets.load(TestCluster.settings().secretsFile()).get(StaffPasswords.secretsKey(username));
    }

    /** A client address of its own (the test profile trusts X-Forwarded-For, as behind a proxy), for the sign-in throttle. */
    public static String clientAddress() {
        return "203.0.113." + (1 + (int) (Math.random() * 250));
    }

    /** A sign-in throttle limit as configured (pagila.sign-in.max-failures-per-username or -per-address). */
    public static int signInLimit(String key) {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue(key, Integer.class);
    }

    /** The JSON API as Mike (store 1), HTTP Basic. */
    public static RequestSpecification mike() {
        return given().auth().preemptive().basic("Mike", password("Mike")).contentType("application/json");
    }

    /** A browser-like session signed in through the form; cookies (session, CSRF) kept in the filter. */
    public static CookieFilter signIn(String username) {
        CookieFilter cookies = new CookieFilter();
        signInForm(cookies, username, password(username)).post("/j_security_check").then().statusCode(302)
                .header("Location", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("error")));
        return cookies;
    }

    /** The sign-in form as a browser posts it: the page's CSRF token (its cookie kept in the filter) and the fields. */
    public static RequestSpecification signInForm(CookieFilter browser, String username, String password) {
        String token = formToken(given().filter(browser).get("/staff/sign-in").then().statusCode(200).extract().asString());
        return given().filter(browser).redirects().follow(false).formParam("csrf-token", token)
                .formParam("j_username", username).formParam("j_password", password);
    }

    /** The sign-in form of a new browser (a cookie filter of its own). */
    public static RequestSpecification signInForm(String username, String password) {
        return signInForm(new CookieFilter(), username, password);
    }

    /** The CSRF token the staff pages put in their forms, read from a page as a browser would. */
    public static String csrfToken(CookieFilter session) {
        return formToken(given().filter(session).get("/staff").then().statusCode(200).extract().asString());
    }

    static String formToken(String page) {
        String token = page.replaceAll("(?s).*name=\"csrf-token\" value=\"([^\"]+)\".*", "$1");
        if (token.length() > 100) {
            throw new IllegalStateException("no CSRF token in the page: " + page);
        }
        return token;
    }

    /** A copy of inventory {@code i} that nobody has out (the partial index of V21 answers it). */
    private static final String IN_STOCK = "NOT EXISTS (SELECT FROM rental r WHERE r.inventory_id = i.inventory_id "
            + "AND r.return_date IS NULL)";

    /** A copy at the store that nobody has out (the lowest inventory id, which a film rental picks first). */
    static int freeCopy(int storeId, int filmId) throws SQLException {
        return sqlInt("SELECT inventory_id FROM inventory i WHERE store_id = " + storeId + " AND film_id = " + filmId
                + " AND " + IN_STOCK + " ORDER BY inventory_id LIMIT 1");
    }

    /** A new active customer of store 1 with no history, so balances start from zero. */
    static int newCustomer(String lastName) throws SQLException {
        return sqlInt("INSERT INTO customer (store_id, first_name, last_name, email, address_id, active) "
                + "VALUES (1, 'TEST', '" + lastName + "', '" + lastName.toLowerCase() + "@example.org', 5, 1) RETURNING customer_id");
    }

    /**
     * A film with at least {@code copies} copies at the store that nobody has out: the highest such film id, far from
     * the low ids that other tests name.
     */
    static int filmWithFreeCopies(int storeId, int copies) throws SQLException {
        return sqlInt("SELECT film_id FROM inventory i WHERE store_id = " + storeId + " AND " + IN_STOCK
                + " GROUP BY film_id HAVING count(*) >= " + copies + " ORDER BY film_id DESC LIMIT 1");
    }

    /** Closes the customers' open rentals behind the store's back, so that a test leaves the copies it took in stock. */
    static void returnAll(int... customers) throws SQLException {
        sql(returnAllStatement(customers));
    }

    static String returnAllStatement(int... customers) {
        return "UPDATE rental SET return_date = now() WHERE return_date IS NULL AND customer_id IN ("
                + Arrays.stream(customers).mapToObj(String::valueOf).collect(Collectors.joining(", ")) + ")";
    }

    /** A clean-up: every statement runs even if one before it failed; the first failure is thrown at the end. */
    static void sqlEach(String... statements) throws SQLException {
        SQLException first = null;
        for (String statement : statements) {
            try {
                sql(statement);
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static int sqlInt(String sql) throws SQLException {
        try (Connection c = TestCluster.superuser("primary", "pagila"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row from " + sql);
            }
            return rs.getInt(1);
        }
    }

    static void sql(String sql) throws SQLException {
        try (Connection c = TestCluster.superuser("primary", "pagila"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
