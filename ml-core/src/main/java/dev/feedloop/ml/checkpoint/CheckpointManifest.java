package dev.feedloop.ml.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code manifest.json} of a Feedloop checkpoint: what each file's sha256 must be, so that a
 * reader can refuse weights that changed and a tokenizer that belongs to another model.
 *
 * @param format          checkpoint format version ({@link CheckpointStore#FORMAT})
 * @param weightsFile     file name of the safetensors weights inside the checkpoint directory
 * @param weightsSha256   its sha256
 * @param tokenizerFile   file name of the tokenizer copy (its name picks the implementation)
 * @param tokenizerSha256 its sha256
 * @param configSha256    sha256 of {@code config.json}
 * @param metadata        free-form strings (policy version, parent, lineage…)
 */
public record CheckpointManifest(
        int format,
        String weightsFile,
        String weightsSha256,
        String tokenizerFile,
        String tokenizerSha256,
        String configSha256,
        Map<String, String> metadata) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public CheckpointManifest {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The manifest as pretty-printed JSON bytes, keys in a fixed order. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", format);
        root.put("weights_file", weightsFile);
        root.put("weights_sha256", weightsSha256);
        root.put("tokenizer_file", tokenizerFile);
        root.put("tokenizer_sha256", tokenizerSha256);
        root.put("config_sha256", configSha256);
        ObjectNode meta = root.putObject("metadata");
        metadata.forEach(meta::put);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    /**
     * Reads {@code manifestJson}.
     *
     * @throws CheckpointException naming the file and the missing or invalid field
     */
    public static CheckpointManifest read(Path manifestJson) {
        JsonNode root;
        try {
            root = JSON.readTree(manifestJson.toFile());
        } catch (IOException e) {
            throw new CheckpointException(manifestJson + ": cannot read checkpoint manifest: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw CheckpointException.inFile(manifestJson, "not a JSON object");
        }
        if (!root.path("format").isInt()) {
            throw CheckpointException.inFile(manifestJson, "field 'format' is missing or not an integer");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("metadata").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            metadata.put(e.getKey(), e.getValue().asText());
        }
        return new CheckpointManifest(
                root.get("format").asInt(),
                fileName(manifestJson, root, "weights_file"),
                text(manifestJson, root, "weights_sha256"),
                fileName(manifestJson, root, "tokenizer_file"),
                text(manifestJson, root, "tokenizer_sha256"),
                text(manifestJson, root, "config_sha256"),
                metadata);
    }

    private static String text(Path file, JsonNode root, String field) {
        JsonNode value = root.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw CheckpointException.inFile(file, "field '" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    /** A plain file name: a manifest must not point outside its own directory. */
    private static String fileName(Path file, JsonNode root, String field) {
        String name = text(file, root, field);
        if (name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
            throw CheckpointException.inFile(file, "field '" + field + "' = '" + name + "' is not a plain file name");
        }
        return name;
    }
}
