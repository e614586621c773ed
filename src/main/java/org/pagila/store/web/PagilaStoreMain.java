package org.pagila.store.web;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The store's entry point ({@code java -jar quarkus-run.jar}): Quarkus as usual, with Vert.x's own address check
 * turned off first, since it answers an address with a broken percent-escape with a bare 400 before any route runs;
 * {@link AddressCheck} answers those with words instead. The property is read once, as Quarkus' HTTP layer starts,
 * so it is set here and, for the tests, by Surefire and Failsafe (pom.xml).
 */
@QuarkusMain
public class PagilaStoreMain {
    static final String URI_VALIDATION_OFF = "vertx.disableURIValidation";

    public static void main(String... args) {
        System.setProperty(URI_VALIDATION_OFF, "true");
        Quarkus.run(args);
    }
}
