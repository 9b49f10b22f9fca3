package dev.feedloop.cli.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ImportIdsTest {
    @Test
    void nameBasedVersion3UuidsThatSeparateTheirParts() {
        String id = ImportIds.uuid("kind", "ab", "c");
        assertEquals(id, ImportIds.uuid("kind", "ab", "c"));
        assertEquals(3, UUID.fromString(id).version());
        assertNotEquals(id, ImportIds.uuid("kind", "a", "bc"), "parts are separated, not concatenated");
        assertNotEquals(id, ImportIds.uuid("other", "ab", "c"));
        assertEquals(UUID.nameUUIDFromBytes("feedloop-import/v1\u0000kind\u0000ab\u0000c".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(), id);
    }
}
