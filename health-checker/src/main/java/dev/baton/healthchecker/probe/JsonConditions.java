package dev.baton.healthchecker.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.healthchecker.probe.CheckDefinition.JsonCondition;
import java.util.Optional;

/** Evaluates {@code path == value} conditions on a JSON document. Pure. */
final class JsonConditions {

    private JsonConditions() {
    }

    /** Empty when the condition holds, else why it does not. */
    static Optional<String> check(ObjectMapper mapper, JsonNode root, JsonCondition condition) {
        JsonNode node = root;
        for (String segment : condition.path()) {
            if (node == null) {
                break;
            }
            node = segment.chars().allMatch(Character::isDigit) && node.isArray()
                    ? node.get(Integer.parseInt(segment))
                    : node.get(segment);
        }
        String path = String.join(".", condition.path());
        if (node == null || node.isMissingNode()) {
            return Optional.of(path + " is missing, expected " + condition.expected());
        }
        if (matches(mapper, node, condition.expected())) {
            return Optional.empty();
        }
        String actual = node.isValueNode() ? node.toString() : node.getNodeType().name().toLowerCase();
        return Optional.of(path + " is " + actual + ", expected " + condition.expected());
    }

    private static boolean matches(ObjectMapper mapper, JsonNode node, String expected) {
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
}
