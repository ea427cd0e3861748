package dev.baton.common.testing;

import dev.baton.common.testing.ConfigMappingKeys.Key;
import io.smallrye.config.ConfigMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps {@code docs/CONFIGURATION.md} honest: the keys its tables document under a mapping's prefix must be
 * exactly the keys of that {@link ConfigMapping} interface ({@link ConfigMappingKeys}), with the same type,
 * default, required flag and environment variable name. A service's test is one line:
 * {@code ConfigurationDocs.assertDocumented(NotifierConfig.class, AuthConfig.class)}.
 *
 * <p>A configuration table is a Markdown table whose header has the columns {@code key}, {@code type},
 * {@code default}, {@code required} and {@code env}. Keys name map entries {@code <anything>} and list
 * elements {@code [i]}; rows under other prefixes (e.g. {@code quarkus.*}) are left to
 * {@link #assertQuarkusSettingsDocumented()} (values a service sets itself) and {@link #assertEnvNamesMatchKeys(Path)}.
 */
public final class ConfigurationDocs {

    /** docs/CONFIGURATION.md as seen from a module directory, where Maven runs a module's tests. */
    public static final Path DOC = Path.of("../docs/CONFIGURATION.md");

    private static final Pattern PLACEHOLDER = Pattern.compile("<([^>]+)>|\\[([^]]+)]");
    private static final Pattern CELL_SEPARATOR = Pattern.compile("(?<!\\\\)\\|");
    private static final List<String> COLUMNS = List.of("key", "type", "default", "required", "env");

    private ConfigurationDocs() {
    }

    /** Fails, listing every difference, unless {@link #DOC} documents exactly the keys of these mappings. */
    public static void assertDocumented(Class<?>... mappings) {
        assertDocumented(DOC, mappings);
    }

    public static void assertDocumented(Path doc, Class<?>... mappings) {
        List<String> problems = differences(read(doc), mappings);
        if (!problems.isEmpty()) {
            String names = Arrays.stream(mappings).map(Class::getSimpleName).collect(Collectors.joining(", "));
            throw new AssertionError(doc.normalize() + " does not match the @ConfigMapping interfaces (" + names + "):\n  "
                    + String.join("\n  ", problems));
        }
    }

    /**
     * Fails unless every row of every configuration table in the doc, {@code quarkus.*} ones included, names the
     * environment variable SmallRye Config really reads for its key.
     */
    public static void assertEnvNamesMatchKeys(Path doc) {
        List<String> problems = new ArrayList<>();
        for (Row row : rows(read(doc))) {
            String env = envName(row.key());
            if (!row.env().equals(env)) {
                problems.add(row.key() + ": documented env var '" + row.env() + "', SmallRye reads '" + env + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(doc.normalize() + " names wrong environment variables:\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * Fails unless every {@code quarkus.*} key the service sets in {@code src/main/resources/application.properties}
     * (no profile, no expression) and documents in its section of {@link #DOC} — the one headed
     * {@code ## <quarkus.application.name without "baton-">} — is documented with the value it sets.
     */
    public static void assertQuarkusSettingsDocumented() {
        Path file = Path.of("src/main/resources/application.properties");
        Properties set = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            set.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath().normalize(), e);
        }
        String service = set.getProperty("quarkus.application.name", "").replaceFirst("^baton-", "");
        List<Row> section = rows(read(DOC)).stream().filter(r -> r.section().startsWith(service + " ")).toList();
        if (service.isEmpty() || section.isEmpty()) {
            throw new AssertionError(DOC.normalize() + " has no section '## " + service + "' with a configuration table");
        }
        List<String> problems = new ArrayList<>();
        for (Row row : section) {
            String value = set.getProperty(row.key());
            if (row.key().startsWith("quarkus.") && value != null && !value.contains("${")
                    && !row.defaultValue().equals(value)) {
                problems.add(row.key() + ": documented default '" + row.defaultValue() + "', " + file + " sets '" + value + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(DOC.normalize() + " section '" + service + "' does not match " + file + ":\n  "
                    + String.join("\n  ", problems));
        }
    }

    /** Every difference between the documented rows under the mappings' prefixes and the mappings' keys. */
    static List<String> differences(String markdown, Class<?>... mappings) {
        List<String> problems = new ArrayList<>();
        Map<String, Row> documented = documentedRows(markdown, prefixes(mappings), problems);
        Map<String, Key> actual = new LinkedHashMap<>();
        for (Class<?> mapping : mappings) {
            ConfigMappingKeys.of(mapping).forEach(k -> actual.put(k.name(), k));
        }
        for (Key key : actual.values()) {
            Row row = documented.get(key.name());
            if (row == null) {
                problems.add("missing from the doc: " + key.name() + " (" + key.type() + ", " + presence(key)
                        + ", declared by " + key.method().getDeclaringClass().getSimpleName() + "."
                        + key.method().getName() + "())");
            } else {
                compare(key, row, problems);
            }
        }
        documented.keySet().stream().filter(k -> !actual.containsKey(k))
                .forEach(k -> problems.add("documented but not in the code: " + documented.get(k).key()));
        return problems;
    }

    private static String presence(Key key) {
        if (key.defaultValue() != null) {
            return "default " + key.defaultValue();
        }
        return key.required() ? "required" : "optional";
    }

    private static String read(Path doc) {
        try {
            return Files.readString(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + doc.toAbsolutePath().normalize(), e);
        }
    }

    private static void compare(Key key, Row row, List<String> problems) {
        if (!row.type().equals(key.type())) {
            problems.add(row.key() + ": documented type '" + row.type() + "', the code's is '" + key.type() + "'");
        }
        if (key.defaultValue() != null && !row.defaultValue().equals(key.defaultValue())) {
            problems.add(row.key() + ": documented default '" + row.defaultValue() + "', the code's is '"
                    + key.defaultValue() + "'");
        }
        if (row.required().equals("yes") != key.required()) {
            problems.add(row.key() + ": documented required '" + row.required() + "', the code's is '"
                    + (key.required() ? "yes" : "no") + "'");
        }
        String env = envName(row.key());
        if (!row.env().equals(env)) {
            problems.add(row.key() + ": documented env var '" + row.env() + "', SmallRye reads '" + env + "'");
        }
    }

    /**
     * The environment variable SmallRye Config maps to a key: every character that is not a letter or digit
     * becomes {@code _}, the rest is upper-cased; {@code <site>} stays a placeholder ({@code <SITE>}) and a list
     * index {@code [i]} becomes {@code _<I>_}. {@code baton.health.checks[i].target} ->
     * {@code BATON_HEALTH_CHECKS_<I>__TARGET}.
     */
    static String envName(String key) {
        StringBuilder env = new StringBuilder();
        Matcher placeholder = PLACEHOLDER.matcher(key);
        int at = 0;
        while (placeholder.find()) {
            appendEnv(env, key.substring(at, placeholder.start()));
            if (placeholder.group(1) != null) {
                env.append('<').append(placeholder.group(1).toUpperCase(Locale.ROOT)).append('>');
            } else {
                env.append("_<").append(placeholder.group(2).toUpperCase(Locale.ROOT)).append(">_");
            }
            at = placeholder.end();
        }
        appendEnv(env, key.substring(at));
        return env.toString();
    }

    private static void appendEnv(StringBuilder env, String plain) {
        for (char c : plain.toCharArray()) {
            env.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
    }

    /** {@code sites.<site>.host} and {@code sites.<name>.host} are the same key; so are {@code [i]} and {@code [n]}. */
    static String normalize(String key) {
        return PLACEHOLDER.matcher(key).replaceAll(m -> Matcher.quoteReplacement(
                m.group(1) != null ? ConfigMappingKeys.ANY_KEY : ConfigMappingKeys.ANY_INDEX));
    }

    private static List<String> prefixes(Class<?>... mappings) {
        return Arrays.stream(mappings).map(m -> {
            ConfigMapping annotation = m.getAnnotation(ConfigMapping.class);
            if (annotation == null) {
                throw new IllegalArgumentException(m.getName() + " is not annotated @ConfigMapping");
            }
            return annotation.prefix() + ".";
        }).toList();
    }

    /** One documented key, cells without their code-span backticks; {@code section}: its {@code ##} heading. */
    record Row(String section, String key, String type, String defaultValue, String required, String env) {
    }

    private static Map<String, Row> documentedRows(String markdown, List<String> prefixes, List<String> problems) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Row row : rows(markdown)) {
            if (prefixes.stream().anyMatch(row.key()::startsWith) && rows.put(normalize(row.key()), row) != null) {
                problems.add("documented twice: " + row.key());
            }
        }
        return rows;
    }

    /** Every row of every configuration table, whatever its prefix. */
    static List<Row> rows(String markdown) {
        List<Row> rows = new ArrayList<>();
        int[] columns = null;
        String section = "";
        for (String line : markdown.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("## ")) {
                section = trimmed.substring(3).trim();
            }
            if (!trimmed.startsWith("|")) {
                columns = null;
                continue;
            }
            List<String> cells = cells(trimmed);
            if (columns == null) {
                columns = columnsOf(cells);
            } else if (columns.length > 0 && cells.size() > maxOf(columns) && !cells.get(0).matches("[-: ]*")) {
                rows.add(new Row(section, cells.get(columns[0]), cells.get(columns[1]), cells.get(columns[2]),
                        cells.get(columns[3]), cells.get(columns[4])));
            }
        }
        return rows;
    }

    /** Column positions of key, type, default, required, env in a header row; empty if it is not a config table. */
    private static int[] columnsOf(List<String> header) {
        List<String> names = header.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        if (!names.containsAll(COLUMNS)) {
            return new int[0];
        }
        return COLUMNS.stream().mapToInt(names::indexOf).toArray();
    }

    private static int maxOf(int[] columns) {
        return Arrays.stream(columns).max().orElse(0);
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1, row.endsWith("|") && row.length() > 1 ? row.length() - 1 : row.length());
        return Arrays.stream(CELL_SEPARATOR.split(inner, -1))
                .map(c -> unquote(c.trim().replace("\\|", "|")))
                .toList();
    }

    /** {@code `5m`} -> {@code 5m}: a cell that is one code span is its content. */
    private static String unquote(String cell) {
        if (cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`") && cell.indexOf('`', 1) == cell.length() - 1) {
            return cell.substring(1, cell.length() - 1);
        }
        return cell;
    }
}
