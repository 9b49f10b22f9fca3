package dev.feedloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Usage errors: exit code 2 and one line on stderr naming the command, the problem and the help. */
class ArgumentsTest {

    @Test
    void helpEverywhereExitsZeroOnStdout() {
        for (String[] args : new String[][] {{"--help"}, {"generate", "--help"}, {"bench", "--help"}, {"bench", "ml", "--help"}, {"bench", "rl", "--help"}}) {
            Run r = Run.of(args);
            assertEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.out().startsWith("Usage: feedloop"), r.out());
            assertEquals("", r.err());
        }
        Run top = Run.of("--help");
        assertTrue(top.out().contains("generate") && top.out().contains("bench"), top.out());
        assertTrue(top.out().contains("Exit codes:") && top.out().contains("2   bad usage"), top.out());
        assertTrue(Run.of("generate", "-h").out().contains("--top-p=P"));
    }

    @Test
    void missingOrUnknownCommand() {
        assertUsage(Run.of(), "feedloop: missing command (try: generate, bench) (see: feedloop --help)");
        assertUsage(Run.of("frobnicate"), "feedloop: Unmatched argument at index 0: 'frobnicate' (see: feedloop --help)");
        assertUsage(Run.of("bench"), "feedloop bench: missing benchmark (try: ml, rl) (see: feedloop bench --help)");
    }

    @Test
    void generateRejectsBadOptionsNamingOptionAndValue() {
        assertUsage(Run.of("generate"),
                "feedloop generate: Missing required parameter: 'PROMPT' (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "--bogus"),
                "feedloop generate: Unknown option: '--bogus' (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "--temperature", "warm"),
                "feedloop generate: Invalid value for option '--temperature': 'warm' is not a float (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "-n", "0"), "feedloop generate: -n 0 is outside 1…64 (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "-n", "65"), "feedloop generate: -n 65 is outside 1…64 (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "--temperature", "-1"),
                "feedloop generate: --temperature -1.0 must be >= 0 (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "--top-p", "1.5"),
                "feedloop generate: --top-p 1.5 must be in (0, 1] (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "--top-p", "0"),
                "feedloop generate: --top-p 0.0 must be in (0, 1] (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "--top-k", "-3"),
                "feedloop generate: --top-k -3 must be >= 0 (0 = off) (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "--max-tokens", "0"),
                "feedloop generate: --max-tokens 0 must be >= 1 (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "--seed", "x"),
                "feedloop generate: Invalid value for option '--seed': 'x' is not a long (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "--model", "no/such/model.bin"),
                "feedloop generate: --model: no such file: no/such/model.bin (see: feedloop generate --help)");
        assertUsage(Run.of("generate", "hi", "extra"),
                "feedloop generate: Unmatched argument at index 2: 'extra' (see: feedloop generate --help)");
    }

    @Test
    void maxTokensMustLeaveRoomInTheModelsContext() {
        assertUsage(Run.of("generate", "hi", "--max-tokens", "512", "--seed", "1"),
                "feedloop generate: --max-tokens 512 leaves no room for the prompt in the model's context of 512 tokens"
                        + " (see: feedloop generate --help)");
    }

    @Test
    void benchMlRejectsBadOptions() {
        assertUsage(Run.of("bench", "ml", "--repeats", "2"),
                "feedloop bench ml: --repeats 2 must be >= 3 (medians need 3) (see: feedloop bench ml --help)");
        assertUsage(Run.of("bench", "ml", "--models", "gpt5"),
                "feedloop bench ml: --models: unknown model 'gpt5' (known: stories260K, random-10M) (see: feedloop bench ml --help)");
    }

    @Test
    void benchRlRejectsBadOptions() {
        assertUsage(Run.of("bench", "rl", "--responses", "6"),
                "feedloop bench rl: --responses 6 must be a multiple of 4 (K = 4), >= 4 (see: feedloop bench rl --help)");
        assertUsage(Run.of("bench", "rl", "--tokens", "1000"),
                "feedloop bench rl: --tokens 1000 must be in 4…256 (see: feedloop bench rl --help)");
    }

    private static void assertUsage(Run r, String line) {
        assertEquals(Feedloop.USAGE, r.code(), r.err());
        assertEquals(line, r.errLine());
        assertEquals("", r.out());
    }
}
