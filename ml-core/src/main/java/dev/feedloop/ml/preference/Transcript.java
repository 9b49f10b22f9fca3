package dev.feedloop.ml.preference;

/** The HH-RLHF transcript format both loaders share: {@code "\n\nHuman: …\n\nAssistant: …"}. */
public final class Transcript {

    public static final String HUMAN = "\n\nHuman:";
    public static final String ASSISTANT = "\n\nAssistant:";

    private Transcript() {}

    /** A human turn. */
    public static String human(String text) {
        return HUMAN + " " + text;
    }

    /** An assistant turn. */
    public static String assistant(String text) {
        return ASSISTANT + " " + text;
    }

    /** The response part that follows a prompt ending in {@link #ASSISTANT}. */
    public static String reply(String text) {
        return " " + text;
    }
}
