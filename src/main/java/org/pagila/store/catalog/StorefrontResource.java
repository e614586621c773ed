package org.pagila.store.catalog;

import io.quarkus.panache.common.Sort;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The storefront: what a customer sees first. */
@Path("/")
public class StorefrontResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(List<Film> films);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance index() {
        List<Film> films = Film.findAll(Sort.by("title")).page(0, 12).list();
        return Templates.index(films);
    }
}
