package io.chatapp.servicedefaults.web;

/**
 * One bad field of a request, as listed in a problem's {@code errors} array.
 *
 * @param field the field's name as the client sent it (a JSON property, path variable or
 * query parameter)
 * @param message what is wrong with it
 */
public record FieldProblem(String field, String message) {
}
