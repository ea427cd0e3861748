package dev.baton.common.testing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The configuration keys a {@link ConfigMapping} interface accepts, found by reflection the way SmallRye
 * Config names them: method names in kebab-case (or {@link WithName}), nested interfaces as groups,
 * {@code Map} entries as {@code .<*>} and list elements of groups as {@code [*]}. A leaf is required when
 * it is neither {@code Optional}, nor defaulted ({@link WithDefault}), nor a map; "required" is relative
 * to its enclosing section (a map entry, a list element or an optional group).
 */
public final class ConfigMappingKeys {

    /** Placeholder for a map key in {@link Key#name()}. */
    public static final String ANY_KEY = "<*>";
    /** Placeholder for a list index in {@link Key#name()}. */
    public static final String ANY_INDEX = "[*]";

    /** One configuration key; {@code defaultValue} is null without {@link WithDefault}. */
    public record Key(String name, String type, String defaultValue, boolean required, Method method) {
    }

    private ConfigMappingKeys() {
    }

    /** Every key of the mapping, under its {@link ConfigMapping#prefix()}, sorted by name. */
    public static List<Key> of(Class<?> mapping) {
        ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
        if (annotation == null) {
            throw new IllegalArgumentException(mapping.getName() + " is not annotated @ConfigMapping");
        }
        List<Key> keys = new ArrayList<>();
        walkGroup(mapping, annotation.prefix(), annotation.namingStrategy(), keys);
        keys.sort(Comparator.comparing(Key::name));
        return keys;
    }

    private static void walkGroup(Class<?> group, String prefix, ConfigMapping.NamingStrategy naming, List<Key> keys) {
        for (Method method : configMethods(group)) {
            String name = method.isAnnotationPresent(WithParentName.class) ? prefix : join(prefix, propertyName(method, naming));
            walkValue(method, method.getGenericReturnType(), name, naming, false, keys);
        }
    }

    /** {@code optional}: the leaf may be absent (an {@code Optional}, or the value of a map entry). */
    private static void walkValue(Method method, Type type, String name, ConfigMapping.NamingStrategy naming,
            boolean optional, List<Key> keys) {
        Class<?> raw = rawClass(type);
        if (raw == Optional.class) {
            walkValue(method, typeArgument(type, 0), name, naming, true, keys);
        } else if (Map.class.isAssignableFrom(raw)) {
            walkValue(method, typeArgument(type, 1), name + "." + ANY_KEY, naming, true, keys);
        } else if (Collection.class.isAssignableFrom(raw) && isGroup(rawClass(typeArgument(type, 0)))) {
            walkGroup(rawClass(typeArgument(type, 0)), name + ANY_INDEX, naming, keys);
        } else if (isGroup(raw)) {
            walkGroup(raw, name, naming, keys);
        } else {
            WithDefault withDefault = method.getAnnotation(WithDefault.class);
            String defaultValue = withDefault == null ? null : withDefault.value();
            keys.add(new Key(name, typeName(type), defaultValue, !optional && defaultValue == null, method));
        }
    }

    private static List<Method> configMethods(Class<?> group) {
        List<Method> methods = new ArrayList<>();
        for (Class<?> c : superInterfacesFirst(group)) {
            Arrays.stream(c.getDeclaredMethods())
                    .filter(m -> !m.isDefault() && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic())
                    .filter(m -> m.getParameterCount() == 0)
                    .forEach(methods::add);
        }
        return methods;
    }

    private static List<Class<?>> superInterfacesFirst(Class<?> group) {
        List<Class<?>> all = new ArrayList<>();
        for (Class<?> parent : group.getInterfaces()) {
            all.addAll(superInterfacesFirst(parent));
        }
        all.add(group);
        return all;
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.");
    }

    private static String propertyName(Method method, ConfigMapping.NamingStrategy naming) {
        WithName withName = method.getAnnotation(WithName.class);
        if (withName != null) {
            return withName.value();
        }
        String name = method.getName();
        return switch (naming) {
            case VERBATIM -> name;
            case KEBAB_CASE -> separateWords(name, '-');
            case SNAKE_CASE -> separateWords(name, '_');
        };
    }

    private static String separateWords(String camelCase, char separator) {
        StringBuilder out = new StringBuilder();
        for (char c : camelCase.toCharArray()) {
            if (Character.isUpperCase(c)) {
                if (!out.isEmpty()) {
                    out.append(separator);
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** How CONFIGURATION.md spells a value type: {@code duration}, {@code list of string}, {@code enum (a, b)}. */
    static String typeName(Type type) {
        Class<?> raw = rawClass(type);
        if (raw == Optional.class) {
            return typeName(typeArgument(type, 0));
        }
        if (Collection.class.isAssignableFrom(raw)) {
            return "list of " + typeName(typeArgument(type, 0));
        }
        if (raw.isEnum()) {
            return Arrays.stream(raw.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ", "enum (", ")"));
        }
        return switch (raw.getName()) {
            case "java.lang.String" -> "string";
            case "int", "java.lang.Integer", "long", "java.lang.Long" -> "integer";
            case "double", "java.lang.Double", "float", "java.lang.Float" -> "number";
            case "boolean", "java.lang.Boolean" -> "boolean";
            case "java.time.Duration" -> "duration";
            case "java.nio.file.Path" -> "path";
            case "java.net.URI", "java.net.URL" -> "URL";
            default -> raw.getSimpleName();
        };
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalArgumentException("unsupported configuration type " + type);
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[index];
        }
        throw new IllegalArgumentException("raw " + type + " in a configuration mapping: give its type arguments");
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
