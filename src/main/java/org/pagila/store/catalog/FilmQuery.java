package org.pagila.store.catalog;

import jakarta.ws.rs.core.MultivaluedMap;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.pagila.store.web.Params;
import org.pagila.store.web.UserError;

/**
 * The filters, sort and page of a film list, read from the query string (so every view can be bookmarked) and
 * checked: an unknown value is a 400 naming its parameter. Empty parameters mean "any", as a plain HTML form
 * sends them.
 */
public record FilmQuery(String category, String rating, String language, Integer minLength, Integer maxLength,
        BigDecimal minRate, BigDecimal maxRate, String feature, Sort sort, int page) {

    public static final List<String> RATINGS = List.of("G", "PG", "PG-13", "R", "NC-17");
    public static final List<String> FEATURES = List.of("Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes");

    /** Sort orders: popularity is most rented first, the others ascending. orderBy is HQL over Film f (p: FilmPopularity). */
    public enum Sort {
        TITLE("title", "Title", "f.title"),
        RENTAL_RATE("rate", "Price", "f.rentalRate, f.title"),
        LENGTH("length", "Length", "f.length, f.title"),
        POPULARITY("popularity", "Most rented", "coalesce(p.rentals, 0) DESC, f.title");

        private final String param;
        private final String label;
        final String orderBy;

        Sort(String param, String label, String orderBy) {
            this.param = param;
            this.label = label;
            this.orderBy = orderBy;
        }

        /** The value of the sort parameter. */
        public String param() {
            return param;
        }

        public String label() {
            return label;
        }
    }

    /** The names a filter may take, as the database spells them. */
    public record Vocabulary(List<String> categories, List<String> languages) {
    }

    public static FilmQuery from(MultivaluedMap<String, String> params, Vocabulary vocabulary) {
        Function<String, String> param = name -> single(params, name);
        Integer minLength = Params.wholeNumber("minLength", param.apply("minLength"), 0, 10_000, "a length in minutes").orElse(null);
        Integer maxLength = Params.wholeNumber("maxLength", param.apply("maxLength"), 0, 10_000, "a length in minutes").orElse(null);
        BigDecimal minRate = Params.price("minRate", param.apply("minRate")).orElse(null);
        BigDecimal maxRate = Params.price("maxRate", param.apply("maxRate")).orElse(null);
        if (minLength != null && maxLength != null && minLength > maxLength) {
            throw UserError.badRequest("The shortest length asked for (minLength, " + minLength + " min) is more than the longest"
                    + " (maxLength, " + maxLength + " min).");
        }
        if (minRate != null && maxRate != null && minRate.compareTo(maxRate) > 0) {
            throw UserError.badRequest("The lowest rental price asked for (minRate, $" + minRate + ") is more than the highest"
                    + " (maxRate, $" + maxRate + ").");
        }
        return new FilmQuery(
                name(param, "category").map(v -> oneOf("category", v, vocabulary.categories())).orElse(null),
                name(param, "rating").map(v -> oneOf("rating", v, RATINGS)).orElse(null),
                name(param, "language").map(v -> oneOf("language", v, vocabulary.languages())).orElse(null),
                minLength, maxLength, minRate, maxRate,
                name(param, "feature").map(v -> oneOf("feature", v, FEATURES)).orElse(null),
                name(param, "sort").map(FilmQuery::sort).orElse(Sort.TITLE),
                Params.page(param.apply("page")));
    }

    /** A filter given twice is ambiguous (which one did the customer mean?), so it is refused rather than guessed. */
    private static String single(MultivaluedMap<String, String> params, String name) {
        var values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw UserError.badRequest(name + " is given " + values.size() + " times; give it once.");
        }
        return values.get(0);
    }

    private static Optional<String> name(Function<String, String> param, String name) {
        return Params.text(name, param.apply(name), 64);
    }

    public FilmQuery inCategory(String name) {
        return new FilmQuery(name, rating, language, minLength, maxLength, minRate, maxRate, feature, sort, page);
    }

    public boolean filtered() {
        return category != null || filteredBesidesCategory();
    }

    private boolean filteredBesidesCategory() {
        return rating != null || language != null || minLength != null || maxLength != null || minRate != null
                || maxRate != null || feature != null;
    }

    /** What a list of these films is called: the category when it is the only filter, as on its category page. */
    public String heading() {
        if (!filtered()) {
            return "All films";
        }
        return filteredBesidesCategory() ? "Films matching your filters" : category;
    }

    /** The query string of this view on another page: only what differs from the defaults. */
    public String queryString(int targetPage, boolean withCategory) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (withCategory) {
            values.put("category", category);
        }
        values.put("rating", rating);
        values.put("language", language);
        values.put("minLength", minLength);
        values.put("maxLength", maxLength);
        values.put("minRate", minRate == null ? null : minRate.toPlainString());
        values.put("maxRate", maxRate == null ? null : maxRate.toPlainString());
        values.put("feature", feature);
        values.put("sort", sort == Sort.TITLE ? null : sort.param);
        values.put("page", targetPage == 1 ? null : targetPage);
        StringBuilder query = new StringBuilder();
        values.forEach((name, value) -> {
            if (value != null) {
                query.append(query.length() == 0 ? "?" : "&").append(name).append('=')
                        .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
            }
        });
        return query.toString();
    }

    private static String oneOf(String name, String value, List<String> allowed) {
        return allowed.stream().filter(a -> a.equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> UserError.badRequest("Unknown " + name + " '" + UserError.abbreviate(value)
                        + "'. Choose one of: " + String.join(", ", allowed) + ".").withLink("/films", "Browse all films"));
    }

    private static Sort sort(String value) {
        for (Sort sort : Sort.values()) {
            if (sort.param.equalsIgnoreCase(value)) {
                return sort;
            }
        }
        throw UserError.badRequest("Unknown sort '" + UserError.abbreviate(value) + "'. Choose one of: title, rate, length, popularity.");
    }

}
