package dev.feedloop.k8s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration keys read from Java source, without compiling it: {@code @ConfigMapping} interfaces
 * (method names in kebab case, {@code @WithName}, nested group interfaces, maps as {@code key.*})
 * and {@code @ConfigProperty(name = ...)}. Good enough for the services' plain interfaces.
 */
final class ConfigMappings {

    private static final Pattern MAPPING = Pattern.compile(
            "@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*\\)[^{;]*?\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern PROPERTY = Pattern.compile("@ConfigProperty\\s*\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern NESTED = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern METHOD = Pattern.compile("^(.*?)\\b(\\w+)\\s*\\(\\s*\\)$", Pattern.DOTALL);
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");

    private ConfigMappings() {
    }

    static Set<String> keys(String source) {
        return new TreeSet<>(types(source).keySet());
    }

    /**
     * Every key with its Java type as written ({@code int}, {@code Duration}, {@code Optional<String>};
     * {@code String} for {@code @ConfigProperty}, whose type is not parsed).
     */
    static Map<String, String> types(String source) {
        String code = stripComments(source);
        Map<String, String> keys = new java.util.TreeMap<>();
        Matcher p = PROPERTY.matcher(code);
        while (p.find()) {
            keys.put(p.group(1), "String");
        }
        Matcher m = MAPPING.matcher(code);
        while (m.find()) {
            int open = m.end() - 1;
            String body = code.substring(open + 1, matchingBrace(code, open));
            collect(m.group(1), body, keys);
        }
        return keys;
    }

    /** Keys of one interface body under {@code prefix}; nested interfaces are groups. */
    private static void collect(String prefix, String body, Map<String, String> keys) {
        Map<String, String> nested = new HashMap<>();
        StringBuilder own = new StringBuilder();
        int at = 0;
        Matcher n = NESTED.matcher(body);
        while (n.find(at)) {
            int open = n.end() - 1;
            int close = matchingBrace(body, open);
            nested.put(n.group(1), body.substring(open + 1, close));
            own.append(body, at, n.start());
            at = close + 1;
        }
        own.append(body.substring(at));
        for (String statement : own.toString().split(";")) {
            String s = statement.replaceAll("(?s)^.*}", "").trim();
            Matcher withName = WITH_NAME.matcher(s);
            String explicit = withName.find() ? withName.group(1) : null;
            String declaration = s.replaceAll("@\\w+(\\s*\\([^)]*\\))?", " ").trim();
            Matcher method = METHOD.matcher(declaration);
            if (!method.matches() || declaration.contains("static ") || declaration.contains("default ")) {
                continue;
            }
            String key = prefix + "." + (explicit != null ? explicit : kebab(method.group(2)));
            String type = method.group(1).trim();
            List<String> typeNames = new ArrayList<>(List.of(type.split("[<>,\\s]+")));
            String last = typeNames.isEmpty() ? "" : typeNames.get(typeNames.size() - 1);
            boolean map = type.startsWith("Map<");
            if (nested.containsKey(last)) {
                collect(map ? key + ".*" : key, nested.get(last), keys);
            } else {
                keys.put(map ? key + ".*" : key, type);
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static int matchingBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced braces after offset " + open);
    }

    private static String stripComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", " ");
    }
}
