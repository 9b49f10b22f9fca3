package dev.feedloop.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The result of running {@code feedloop ARGS} in this JVM. */
record Run(int code, String out, String err) {
    static Run of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Feedloop.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** stderr as one line (fails the test if it is more than one). */
    String errLine() {
        String e = err.stripTrailing();
        if (e.contains("\n")) {
            throw new AssertionError("stderr has more than one line:\n" + err);
        }
        return e;
    }
}
