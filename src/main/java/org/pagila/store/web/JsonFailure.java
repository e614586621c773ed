package org.pagila.store.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.stream.Collectors;

/** A JSON body the API cannot take, in words: which field, or where the text stopped being JSON. Never Jackson's text. */
final class JsonFailure {
    private JsonFailure() {
    }

    private static String currentName(JsonParser parser) {
        try {
            return parser.currentName();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "The JSON field " + UserError.abbreviate(unknown.getPropertyName()) + " is not one this address takes.";
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return "The JSON field " + UserError.abbreviate(field) + " does not hold a value of the right kind"
                    + " (ids and numbers are whole numbers up to 2147483647).";
        }
        if (e instanceof JsonMappingException) {
            return "The request body is JSON of the wrong shape: send one object such as {\"customerId\": 1, \"inventoryId\": 1}.";
        }
        if (e.getProcessor() instanceof JsonParser parser && e instanceof InputCoercionException) {
            String field = currentName(parser);
            if (field != null) {
                return "The JSON field " + UserError.abbreviate(field) + " holds a number out of range"
                        + " (ids and numbers are whole numbers up to 2147483647).";
            }
        }
        var where = e.getLocation();
        return "The request body is not valid JSON" + (where == null ? "" : " (line " + where.getLineNr() + ", column "
                + where.getColumnNr() + ")") + ".";
    }
}
