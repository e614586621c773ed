package org.pagila.store.cluster;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.util.LinkedHashSet;
import java.util.Set;

/** The nodes whose connections served this request's reads, in the order they were used. */
@RequestScoped
@Named("servedBy")
public class ServedBy {
    private final Set<String> nodes = new LinkedHashSet<>();

    void add(String node) {
        nodes.add(node);
    }

    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** "node2", or "node1, node3" when one request used two pooled connections. */
    public String label() {
        return String.join(", ", nodes);
    }
}
