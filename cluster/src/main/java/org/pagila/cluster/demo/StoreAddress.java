package org.pagila.cluster.demo;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * demo's --store: an http(s) address with a host, checked while the arguments are parsed. Java's HTTP client would
 * otherwise reject "localhost:8080" or "store" mid-demo with a stack trace.
 */
final class StoreAddress implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // the message below says what an address looks like
        }
        throw new TypeConversionException("'" + value + "' is not the store's address: give http://HOST:PORT,"
                + " e.g. http://localhost:8080");
    }
}
