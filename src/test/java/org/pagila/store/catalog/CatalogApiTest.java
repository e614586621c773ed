package org.pagila.store.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.pagila.store.catalog.CatalogPagesTest.sqlCount;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The JSON API mirrors the pages: same filters, sort, paging, and real Pagila content. */
@QuarkusTest
class CatalogApiTest {

    @Test
    void filmsArePagedWithTotalAndLinks() {
        given().get("/api/films").then().statusCode(200).contentType(containsString("application/json"))
                .body("total", is(1000)).body("page", is(1)).body("pageSize", is(24)).body("pages", is(42))
                .body("items", hasSize(24)).body("items[0].title", is("ACADEMY DINOSAUR"))
                .body("links.next", is("/api/films?page=2")).body("links.last", is("/api/films?page=42"))
                .body("links", not(hasKey("prev")));
        given().get("/api/films?page=42").then().statusCode(200)
                .body("items", hasSize(1000 - 41 * 24)).body("links.prev", is("/api/films?page=41"))
                .body("links", not(hasKey("next")));
    }

    @Test
    void filtersAndSortCombineLikeThePage() throws Exception {
        long expected = sqlCount("""
                SELECT count(*) FROM film f JOIN film_category fc USING (film_id) JOIN category c USING (category_id)
                WHERE c.name = 'Comedy' AND f.rating = 'PG-13' AND f.rental_rate >= 2.99 AND f.length >= 90""");
        given().get("/api/films?category=Comedy&rating=PG-13&minRate=2.99&minLength=90&sort=rate&language=english")
                .then().statusCode(200)
                .body("total", is((int) expected))
                .body("items.rating", everyItem(is("PG-13")))
                .body("items.findAll { it.rentalRate < 2.99 || it.length < 90 }", hasSize(0))
                .body("links.self", containsString("category=Comedy&rating=PG-13&language=English"));
        given().get("/api/films?feature=Commentaries&sort=popularity").then().statusCode(200)
                .body("total", is((int) sqlCount("SELECT count(*) FROM film WHERE 'Commentaries' = ANY (special_features)")));
        given().get("/api/films?sort=popularity").then().statusCode(200)
                .body("items[0].title", is("BUCKET BROTHERHOOD")).body("items[0].rentals", is(34));
        // the other lists do not count rentals: the field is left out rather than 0 for a film rented 34 times
        given().get("/api/films?category=Music").then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.greaterThan(0))
                .body("items.findAll { it.containsKey('rentals') }", hasSize(0));
    }

    @Test
    void aFilmWithItsActorsCategoriesAndStock() throws Exception {
        long owned = sqlCount("SELECT count(*) FROM inventory WHERE film_id = 1");
        given().get("/api/films/1").then().statusCode(200)
                .body("title", is("ACADEMY DINOSAUR"))
                .body("releaseYear", is(2006)).body("length", is(86)).body("rating", is("PG"))
                .body("language", is("English")).body("rentalDuration", is(6))
                .body("specialFeatures", hasItems("Deleted Scenes", "Behind the Scenes"))
                .body("categories.name", hasItem("Documentary"))
                .body("actors.name", hasItem("PENELOPE GUINESS"))
                .body("actors.find { it.name == 'PENELOPE GUINESS' }.id", is(1))
                .body("actors", hasSize((int) sqlCount("SELECT count(*) FROM film_actor WHERE film_id = 1")))
                .body("availability.storeId", equalTo(java.util.List.of(1, 2)))
                .body("availability.sum { it.owned }", is((int) owned));
    }

    @Test
    void anActorWithTheirFilms() throws Exception {
        given().get("/api/actors/1").then().statusCode(200)
                .body("name", is("PENELOPE GUINESS"))
                .body("films.title", hasItem("ACADEMY DINOSAUR"))
                .body("films", hasSize((int) sqlCount("SELECT count(*) FROM film_actor WHERE actor_id = 1")));
    }

    @Test
    void categoriesWithTheirCounts() {
        given().get("/api/categories").then().statusCode(200)
                .body("", hasSize(16))
                .body("find { it.name == 'Horror' }.films", is(56));
        given().get("/api/categories/horror?page=3").then().statusCode(200)
                .body("total", is(56)).body("items", hasSize(8)).body("links.first", is("/api/categories/Horror"));
    }

    @Test
    void searchIsRankedAndForgivesTypos() {
        given().get("/api/search?q=dinosaur").then().statusCode(200)
                .body("items[0].title", containsString("DINOSAUR"));
        given().get("/api/search?q=acadamy dinosuar").then().statusCode(200)
                .body("items[0].title", is("ACADEMY DINOSAUR"));
        given().get("/api/search?q=").then().statusCode(200).body("total", is(0)).body("items", hasSize(0));
    }
}
