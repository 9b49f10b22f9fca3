package dev.feedloop.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThreadsTest {
    private String intraBefore;
    private String interBefore;

    @BeforeEach
    void remember() {
        intraBefore = System.getProperty(Threads.INTRA_OP_PROPERTY);
        interBefore = System.getProperty(Threads.INTER_OP_PROPERTY);
    }

    @AfterEach
    void restore() {
        restore(Threads.INTRA_OP_PROPERTY, intraBefore);
        restore(Threads.INTER_OP_PROPERTY, interBefore);
    }

    @Test
    void defaultsFillOnlyWhatTheUserLeftUnset() {
        System.clearProperty(Threads.INTRA_OP_PROPERTY);
        System.setProperty(Threads.INTER_OP_PROPERTY, "3");
        assertEquals(Runtime.getRuntime().availableProcessors(), Threads.configureDefaults());
        assertEquals("3", System.getProperty(Threads.INTER_OP_PROPERTY), "a user's -D wins over the default");
    }

    @Test
    void explicitValuesWin() {
        System.setProperty(Threads.INTRA_OP_PROPERTY, "2");
        assertEquals(1, Threads.configure(1, 1));
        assertEquals("1", System.getProperty(Threads.INTER_OP_PROPERTY));
    }

    @Test
    void aBadUserValueIsNamed() {
        System.setProperty(Threads.INTRA_OP_PROPERTY, "many");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Threads::configureDefaults);
        assertEquals("ai.djl.pytorch.num_threads=many is not a positive integer", e.getMessage());
    }

    @Test
    void intraOpChangesOnALoadedEngine() {
        int before = Threads.intraOp();
        try {
            Threads.setIntraOp(1);
            assertEquals(1, Threads.intraOp());
        } finally {
            Threads.setIntraOp(before);
        }
        assertThrows(IllegalArgumentException.class, () -> Threads.setIntraOp(0));
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
