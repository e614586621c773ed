package org.pagila.store.counter;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestQuery;

/** The staff sign-in form; Quarkus form authentication receives it at /j_security_check. */
@Path("/staff/sign-in")
public class SignInPage {

    @CheckedTemplate(basePath = "counter")
    static class Templates {
        static native TemplateInstance signIn(boolean failed, boolean signedOut);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance form(@RestQuery String error, @RestQuery("signed-out") String signedOut) {
        return Templates.signIn(error != null, signedOut != null);
    }
}
