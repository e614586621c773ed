package org.pagila.store.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.qute.CheckedTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.pagila.store.catalog.CatalogPages;

/**
 * Every page that includes the layout passes it all of its own data ({#include base film=film}), so that Qute resolves
 * the page's expressions in the include's data with the resolver it cached for each of them (base.html says why). A
 * parameter left out still renders, only slower, so no page test would notice: this one reads the parameters of every
 * checked template (the nested Templates classes) and compares them with the page's include line.
 */
class LayoutIncludeTest {
    private static final Path TEMPLATES = Path.of("src/main/resources/templates");
    private static final Pattern LAYOUT_INCLUDE = Pattern.compile("\\{#include base[\\s}].*");

    @Test
    void everyPageHandsTheLayoutAllOfItsData() throws Exception {
        Set<Path> checked = new TreeSet<>();
        for (Class<?> templateClass : checkedTemplateClasses()) {
            for (Method page : templateClass.getDeclaredMethods()) {
                if (!Modifier.isNative(page.getModifiers())) {
                    continue;
                }
                Path file = TEMPLATES.resolve(folderOf(templateClass)).resolve(page.getName() + ".html");
                Optional<String> include = layoutInclude(file);
                if (include.isEmpty()) {
                    continue; // a page without the layout (the dashboard)
                }
                String handed = Arrays.stream(page.getParameters()).map(Parameter::getName).map(p -> " " + p + "=" + p)
                        .collect(Collectors.joining());
                assertEquals("{#include base" + handed + "}", include.get(), file.toString());
                checked.add(file);
            }
        }
        Set<Path> withLayout;
        try (Stream<Path> all = Files.walk(TEMPLATES)) {
            withLayout = all.filter(f -> f.toString().endsWith(".html")).filter(f -> layoutInclude(f).isPresent())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        // also fails when the scan found no class at all (a change in where classes are compiled to)
        assertTrue(withLayout.contains(TEMPLATES.resolve("CatalogPages/film.html")), withLayout.toString());
        assertEquals(withLayout, checked, "every template with the layout is a checked template's page");
    }

    /** Where Quarkus looks for a checked template's pages: its basePath, or the name of the class it is nested in. */
    private static String folderOf(Class<?> templateClass) {
        String basePath = templateClass.getAnnotation(CheckedTemplate.class).basePath();
        if (!basePath.equals(CheckedTemplate.DEFAULTED)) {
            return basePath;
        }
        return templateClass.getEnclosingClass() == null ? "" : templateClass.getEnclosingClass().getSimpleName();
    }

    private static Optional<String> layoutInclude(Path template) {
        try {
            return Files.readAllLines(template, StandardCharsets.UTF_8).stream().filter(l -> LAYOUT_INCLUDE.matcher(l).matches())
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compiled *$Templates classes annotated @CheckedTemplate, found where the store's classes were compiled to. */
    private static List<Class<?>> checkedTemplateClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(CatalogPages.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names;
        try (Stream<Path> all = Files.walk(classes)) {
            names = all.map(classes::relativize).filter(p -> p.getFileName().toString().endsWith("$Templates.class"))
                    .map(p -> StreamSupport.stream(p.spliterator(), false).map(Path::toString).collect(Collectors.joining(".")))
                    .map(n -> n.substring(0, n.length() - ".class".length())).toList();
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
