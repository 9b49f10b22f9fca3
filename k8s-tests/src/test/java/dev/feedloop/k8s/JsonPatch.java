package dev.feedloop.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * RFC 6902 add / replace / remove on a Jackson tree, enough to apply the overlays' JSON patches to
 * the manifests they target and type-check the result. A path that does not exist where the RFC
 * requires one fails, as it would in kustomize.
 */
final class JsonPatch {

    private JsonPatch() {
    }

    static JsonNode apply(JsonNode document, JsonNode ops) {
        JsonNode doc = document.deepCopy();
        for (JsonNode op : ops) {
            String path = op.path("path").asText();
            int slash = path.lastIndexOf('/');
            JsonNode parent = doc.at(path.substring(0, slash));
            String last = unescape(path.substring(slash + 1));
            String kind = op.path("op").asText();
            if (parent.isMissingNode()) {
                throw new IllegalArgumentException(kind + " " + path + ": no parent " + path.substring(0, slash));
            }
            if (parent instanceof ObjectNode object) {
                if (!kind.equals("add") && !object.has(last)) {
                    throw new IllegalArgumentException(kind + " " + path + ": nothing there");
                }
                if (kind.equals("remove")) {
                    object.remove(last);
                } else {
                    object.set(last, op.path("value"));
                }
            } else if (parent instanceof ArrayNode array) {
                int index = last.equals("-") ? array.size() : Integer.parseInt(last);
                if (kind.equals("add")) {
                    array.insert(index, op.path("value"));
                } else if (index >= array.size()) {
                    throw new IllegalArgumentException(kind + " " + path + ": index out of range");
                } else if (kind.equals("remove")) {
                    array.remove(index);
                } else {
                    array.set(index, op.path("value"));
                }
            } else {
                throw new IllegalArgumentException(kind + " " + path + ": parent is not an object or array");
            }
        }
        return doc;
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
}
