package org.pagila.store.catalog;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import org.pagila.store.web.HttpCacheable;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.pagila.store.catalog.CatalogViews.Storefront;

/** The storefront: what a customer sees first. */
@HttpCacheable
@Path("/")
@APIResponse(responseCode = "503", description = "No database node can answer right now; Retry-After says when to try again")
@APIResponse(responseCode = "200", description = "OK")
public class StorefrontResource {

    @Inject
    CatalogService catalog;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(Storefront store);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance index() {
        return Templates.index(catalog.storefront());
    }
}
