package dev.baton.common.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code a.b[0].c == value} on a JSON document: the health-checker's {@code http.json-equals} and the
 * coordinator's session and logout checks. {@code value} is a JSON literal ({@code true}, {@code 3},
 * {@code "x"}, {@code null}) or a bare word compared with a string. Pure.
 */
public record JsonCondition(List<String> path, String expected, String source) {
    private static final String PATH = "[A-Za-z0-9_\\-]+(\\[\\d+])*(\\.[A-Za-z0-9_\\-]+(\\[\\d+])*)*";

    /** The condition {@code text} states, or empty when it is not of the form {@code <dotted.path> == <value>}. */
    public static Optional<JsonCondition> parse(String text) {
        int op = text.indexOf("==");
        if (op <= 0) {
            return Optional.empty();
        }
        String path = text.substring(0, op).trim();
        String expected = text.substring(op + 2).trim();
        if (path.startsWith("$.")) {
            path = path.substring(2);
        }
        if (path.isEmpty() || expected.isEmpty() || !path.matches(PATH)) {
            return Optional.empty();
        }
        List<String> segments = new ArrayList<>();
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            segments.add(bracket < 0 ? part : part.substring(0, bracket));
            if (bracket >= 0) {
                Arrays.stream(part.substring(bracket).split("]")).map(s -> s.substring(1)).forEach(segments::add);
            }
        }
        return Optional.of(new JsonCondition(List.copyOf(segments), expected, text.trim()));
    }

    /** Empty when the condition holds on {@code root}, else why it does not (names the path and the value found). */
    public Optional<String> check(ObjectMapper mapper, JsonNode root) {
        JsonNode node = root;
        for (String segment : path) {
            if (node == null) {
                break;
            }
            node = segment.chars().allMatch(Character::isDigit) && node.isArray()
                    ? node.get(Integer.parseInt(segment))
                    : node.get(segment);
        }
        String dotted = String.join(".", path);
        if (node == null || node.isMissingNode()) {
            return Optional.of(dotted + " is missing, expected " + expected);
        }
        if (matches(mapper, node)) {
            return Optional.empty();
        }
        String actual = node.isValueNode() ? node.toString() : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        return Optional.of(dotted + " is " + actual + ", expected " + expected);
    }

    private boolean matches(ObjectMapper mapper, JsonNode node) {
        if (node.isTextual() && node.asText().equals(expected)) {
            return true; // a bare word compares with a string value: status == ok
        }
        try {
            JsonNode literal = mapper.readTree(expected);
            if (literal != null && !literal.isMissingNode()) {
                if (literal.isNumber() && node.isNumber()) {
                    return literal.decimalValue().compareTo(node.decimalValue()) == 0;
                }
                return literal.equals(node);
            }
        } catch (JsonProcessingException e) {
            // not a JSON literal: only the textual comparison above applies
        }
        return false;
    }

    @Override
    public String toString() {
        return source;
    }
}
