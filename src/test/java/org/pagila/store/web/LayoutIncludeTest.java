package org.pagila.store.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.qute.CheckedTemplate;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.pagila.store.catalog.CatalogPages;

/**
 * Every page that includes the layout passes it all of its own data ({#include base film=film}), so that Qute resolves
 * the page's expressions in the include's data with the resolver it cached for each of them (base.html says why). A
 * parameter left out still renders, only slower, so no page test would notice: this one reads every checked template's
 * parameters and compares them with its first line.
 */
class LayoutIncludeTest {
    private static final Path TEMPLATES = Path.of("src/main/resources/templates");

    @Test
    void everyPageHandsTheLayoutAllOfItsData() throws IOException, URISyntaxException, ClassNotFoundException {
        List<String> checked = new ArrayList<>();
        for (Class<?> templates : checkedTemplateClasses()) {
            CheckedTemplate annotation = templates.getAnnotation(CheckedTemplate.class);
            String folder = annotation.basePath().equals(CheckedTemplate.DEFAULTED) ? templates.getEnclosingClass().getSimpleName()
                    : annotation.basePath();
            for (Method page : templates.getDeclaredMethods()) {
                if (!Modifier.isNative(page.getModifiers())) {
                    continue;
                }
                Path file = TEMPLATES.resolve(folder).resolve(page.getName() + ".html");
                String firstLine = Files.readAllLines(file).get(0);
                if (!firstLine.startsWith("{#include base")) {
                    continue; // a page without the layout (the dashboard)
                }
                String handed = Arrays.stream(page.getParameters()).map(Parameter::getName).map(p -> p + "=" + p)
                        .collect(Collectors.joining(" "));
                assertEquals("{#include base " + handed + "}", firstLine, file.toString());
                checked.add(file.toString());
            }
        }
        // the scan found the pages: a change in where classes are compiled to must not turn this into a test of nothing
        assertTrue(checked.contains(TEMPLATES.resolve("CatalogPages/film.html").toString()), checked.toString());
        try (Stream<Path> all = Files.walk(TEMPLATES)) {
            long withLayout = all.filter(f -> f.toString().endsWith(".html")).filter(LayoutIncludeTest::includesLayout).count();
            assertEquals(withLayout, checked.size(), "every template with the layout belongs to a checked template: " + checked);
        }
    }

    private static boolean includesLayout(Path template) {
        try {
            return Files.readAllLines(template).get(0).startsWith("{#include base");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The compiled *$Templates classes annotated @CheckedTemplate, found where the store's classes were compiled to. */
    private static List<Class<?>> checkedTemplateClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(CatalogPages.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names;
        try (Stream<Path> all = Files.walk(classes)) {
            names = all.map(classes::relativize).map(Path::toString).filter(n -> n.endsWith("$Templates.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).toList();
        }
        List<Class<?>> found = new ArrayList<>();
        for (String name : names) {
            Class<?> candidate = Class.forName(name);
            if (candidate.isAnnotationPresent(CheckedTemplate.class)) {
                found.add(candidate);
            }
        }
        return found;
    }
}
