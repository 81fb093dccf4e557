package com.desayre.contracts;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * docs/asyncapi.yaml tells integrations what is on each topic; this keeps it from drifting away
 * from the records. Every topic of {@link Topics#all()} has a channel and nothing else does; each
 * channel carries its record; each record schema lists exactly the record's components, with
 * their JSON types, enums, and {@code required} = the components not marked {@code @Nullable};
 * every example is an event {@link EventJson} reads; compacted topics' configuration is
 * {@link Topics#config}; and the services' consumer bindings and DLQs are its operations. Failures
 * say what to change.
 */
class AsyncApiDocTest {
    private static final Path DOC = Path.of("..", "docs", "asyncapi.yaml");
    private static final String FIX = """

            docs/asyncapi.yaml no longer matches the contracts module. Update the document (channels for \
            topics, components.schemas for records: one property per record component, `required` = the \
            components without @Nullable, nullable ones typed [<type>, 'null'] or oneOf [$ref, {type: 'null'}]), \
            or, for a new topic, add its record to AsyncApiDocTest.PAYLOADS too.""";

    /** The record each topic carries; a DLQ carries its source topic's. A new topic goes here and into the document. */
    private static final Map<String, Class<?>> PAYLOADS = Map.of(
            Topics.REQUESTED, GenerationRequested.class,
            Topics.IMAGE_REQUESTED, EncodedJob.class,
            Topics.VIDEO_REQUESTED, EncodedJob.class,
            Topics.MEDIA_READY, MediaReady.class,
            Topics.STATUS, StatusChanged.class,
            Topics.CONTROL, ControlRequested.class,
            Topics.WORKER_HEARTBEATS, WorkerHeartbeat.class,
            Topics.LANE_SWITCHES, LaneSwitched.class,
            Topics.ACCOUNTS, AccountChanged.class,
            Topics.LEDGER, CostIncurred.class);

    /** The services whose Spring Cloud Stream bindings (src/main/resources/<service>.yml) the document describes. */
    private static final List<String> SERVICES = List.of("gateway", "prompt-encoder", "image-worker", "video-worker", "storage-sink");

    private static Map<String, Object> doc;

    @BeforeAll
    static void readDocument() throws IOException {
        doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(DOC));
    }

    @Test
    void everyTopicHasAChannelAndEveryChannelATopic() {
        var problems = new ArrayList<String>();
        var addresses = new LinkedHashSet<String>();
        channels().forEach((id, channel) -> addresses.add((String) channel.get("address")));
        for (var topic : Topics.all()) {
            if (!addresses.contains(topic)) {
                problems.add(constantFor(topic) + " has no channel: add one with address '" + topic + "'");
            }
        }
        for (var address : addresses) {
            if (!Topics.all().contains(address)) {
                problems.add("channel address '" + address + "' is not in Topics.all(): remove the channel or add the topic");
            }
        }
        report(problems);
    }

    @Test
    void eachChannelCarriesItsTopicsRecord() {
        var problems = new ArrayList<String>();
        channels().forEach((id, channel) -> {
            var topic = (String) channel.get("address");
            var expected = payloadOf(topic);
            if (expected == null) {
                problems.add(constantFor(topic) + " has no record in AsyncApiDocTest.PAYLOADS: add it");
                return;
            }
            for (var message : messagesOf(channel)) {
                var payload = resolve(map(message.get("payload")));
                if (!expected.getName().equals(payload.get("x-java-type"))) {
                    problems.add("channel " + id + " (" + topic + ") carries " + payload.get("x-java-type") + ", but the topic carries "
                            + expected.getName());
                }
                if (!hasKafkaKey(message)) {
                    problems.add("channel " + id + ": its message declares no Kafka key (bindings.kafka.key, or a trait with it)");
                }
                if (topic.endsWith(".dlq") && !"DeadLetterHeaders".equals(refName(map(message.get("headers"))))) {
                    problems.add("channel " + id + " is a DLQ: its message's headers must be #/components/schemas/DeadLetterHeaders");
                }
            }
            var configuration = new LinkedHashMap<String, String>();
            map(map(map(channel.get("bindings")).get("kafka")).get("topicConfiguration")).forEach((key, value) -> configuration.put(key,
                    value instanceof List<?> values ? String.join(",", values.stream().map(String::valueOf).toList()) : String.valueOf(value)));
            if (!configuration.equals(Topics.config(topic))) {
                problems.add("channel " + id + " has topicConfiguration " + configuration + ", but Topics.config says " + Topics.config(topic));
            }
            if (operationsOn(id, "send").isEmpty()) {
                problems.add("channel " + id + " has no operation with action 'send': say who writes it");
            }
        });
        report(problems);
    }

    @Test
    void everyRecordSchemaListsExactlyTheRecordsComponents() {
        var problems = new ArrayList<String>();
        var types = new LinkedHashSet<Class<?>>();
        PAYLOADS.values().forEach(type -> reachable(type, types));
        schemas().forEach((name, schema) -> {
            var javaType = (String) schema.get("x-java-type");
            if (javaType == null) {
                return;
            }
            try {
                types.add(Class.forName(javaType));
            } catch (ClassNotFoundException e) {
                problems.add("schema " + name + " names x-java-type " + javaType + ", which does not exist: remove or rename it");
            }
        });
        for (var type : types) {
            var name = schemaNameFor(type);
            if (name == null) {
                problems.add(type.getName() + " travels on a topic but has no schema with x-java-type: " + type.getName());
            } else if (type.isRecord()) {
                checkRecord(name, type, problems);
            } else if (type.isEnum()) {
                checkEnum(name, type, problems);
            }
        }
        report(problems);
    }

    @Test
    void everyExampleIsAnEventTheReadersAccept() {
        var problems = new ArrayList<String>();
        map(components().get("messages")).forEach((name, value) -> {
            var message = map(value);
            var type = javaType(resolve(map(message.get("payload"))));
            for (var example : list(message.get("examples"))) {
                var where = "components.messages." + name + " example '" + map(example).get("name") + "'";
                try {
                    var json = EventJson.mapper().valueToTree(map(example).get("payload"));
                    var event = EventJson.mapper().treeToValue(json, type);
                    missingRequired(event, where, problems);
                    var differences = new ArrayList<String>();
                    differences(comparable(json), comparable(EventJson.mapper().valueToTree(event)), "", differences);
                    if (!differences.isEmpty()) {
                        problems.add(where + " changes when EventJson reads and writes it (a misspelt or unknown field?) at "
                                + differences);
                    }
                } catch (RuntimeException e) {
                    problems.add(where + " is not read by EventJson: " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        });
        report(problems);
    }

    /**
     * The services' Spring Cloud Stream bindings say who reads what with which group, and where
     * their dead letters go: each must be an operation of that service in the document, and each
     * documented consumer group must still be bound.
     */
    @Test
    void everyConsumerBindingOfTheServicesIsDocumented() throws IOException {
        var problems = new ArrayList<String>();
        for (var service : SERVICES) {
            var config = Path.of("..", service, "src", "main", "resources", service + ".yml");
            Map<String, Object> yml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(config));
            var stream = map(map(map(map(yml.get("spring")).get("cloud")).get("stream")));
            var bound = new LinkedHashSet<String>();
            map(stream.get("bindings")).forEach((binding, value) -> {
                var destination = (String) map(value).get("destination");
                var group = (String) map(value).get("group");
                if (!binding.contains("-in-") || destination == null) {
                    return;
                }
                bound.add(destination + " " + group);
                var documented = operations(service, "receive", destination).stream().map(AsyncApiDocTest::groupOf).toList();
                if (!documented.contains(group)) {
                    problems.add(service + ".yml binds " + binding + " to " + destination + (group == null ? " without a group" : " in group "
                            + group) + ", but no receive operation tagged " + service + " on that channel says so (groupId enum ["
                            + group + "]" + (group == null ? ", i.e. no groupId" : "") + "); documented: " + documented);
                }
            });
            map(map(stream.get("kafka")).get("bindings")).forEach((binding, value) -> {
                var dlq = (String) map(map(value).get("consumer")).get("dlq-name");
                if (dlq != null && operations(service, "send", dlq).isEmpty()) {
                    problems.add(service + ".yml sends " + binding + "'s dead letters to " + dlq
                            + ", but no send operation tagged " + service + " is on that channel");
                }
            });
            map(doc.get("operations")).forEach((id, value) -> {
                var operation = map(value);
                var address = (String) resolve(map(operation.get("channel"))).get("address");
                var group = groupOf(operation);
                if ("receive".equals(operation.get("action")) && tags(operation).contains(service) && group != null
                        && !bound.contains(address + " " + group)) {
                    problems.add("operation " + id + " says " + service + " reads " + address + " in group " + group
                            + ", but " + service + ".yml binds no such consumer");
                }
            });
        }
        report(problems);
    }

    @Test
    void everyErrorCodeIsDocumented() throws IllegalAccessException {
        var problems = new ArrayList<String>();
        var description = (String) map(map(schemas().get("JobError").get("properties")).get("code")).get("description");
        for (var field : JobError.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && !description.contains("`" + field.get(null) + "`")) {
                problems.add("JobError." + field.getName() + " is not explained in JobError.code's description");
            }
        }
        report(problems);
    }

    private static void checkRecord(String name, Class<?> type, List<String> problems) {
        var schema = schemas().get(name);
        var where = "schema " + name + " (" + type.getSimpleName() + ")";
        var properties = map(schema.get("properties"));
        var components = new LinkedHashMap<String, RecordComponent>();
        Arrays.stream(type.getRecordComponents()).forEach(c -> components.put(c.getName(), c));
        for (var component : components.keySet()) {
            if (!properties.containsKey(component)) {
                problems.add(where + " lacks property '" + component + "'");
            }
        }
        for (var property : properties.keySet()) {
            if (!components.containsKey(property)) {
                problems.add(where + " has property '" + property + "', which " + type.getSimpleName() + " does not have");
            }
        }
        var required = new TreeSet<String>();
        components.values().stream().filter(c -> !nullable(c)).forEach(c -> required.add(c.getName()));
        var listed = new TreeSet<String>(list(schema.get("required")).stream().map(String.class::cast).toList());
        if (!listed.equals(required)) {
            problems.add(where + " has required " + listed + ", but the components without @Nullable are " + required);
        }
        components.values().stream().filter(c -> properties.containsKey(c.getName())).forEach(c -> checkProperty(
                where + " property '" + c.getName() + "'", c.getGenericType(), nullable(c), map(properties.get(c.getName())), true,
                problems));
        schemaVersion(type).ifPresent(version -> {
            var declared = map(properties.get("schemaVersion")).get("const");
            if (!Objects.equals(declared, version)) {
                problems.add(where + " property 'schemaVersion' has const " + declared + ", but " + type.getSimpleName()
                        + ".SCHEMA_VERSION is " + version);
            }
        });
    }

    private static void checkEnum(String name, Class<?> type, List<String> problems) {
        var expected = Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
        var listed = list(schemas().get(name).get("enum"));
        if (!listed.equals(expected)) {
            problems.add("schema " + name + " has enum " + listed + ", but " + type.getSimpleName() + " has " + expected);
        }
    }

    /** Whether a property's schema says what the component's Java type becomes in EventJson's form. */
    private static void checkProperty(String where, Type type, boolean nullable, Map<String, Object> property,
                                      boolean needsDescription, List<String> problems) {
        if (needsDescription && !(property.get("description") instanceof String text && !text.isBlank())) {
            problems.add(where + " has no description");
        }
        var options = new ArrayList<Map<String, Object>>();
        if (property.containsKey("oneOf") || property.containsKey("anyOf")) {
            list(property.getOrDefault("oneOf", property.get("anyOf"))).forEach(o -> options.add(map(o)));
        } else if (property.containsKey("allOf")) {
            var all = list(property.get("allOf"));
            if (all.size() != 1) {
                problems.add(where + ": use allOf only to wrap a single $ref");
                return;
            }
            options.add(map(all.get(0)));
        } else {
            options.add(property);
        }
        boolean allowsNull = options.removeIf(o -> "null".equals(o.get("type")) && o.size() == 1);
        var base = options.size() == 1 ? new LinkedHashMap<>(options.get(0)) : null;
        if (base == null) {
            problems.add(where + ": expected one schema (plus {type: 'null'} when nullable), found " + options);
            return;
        }
        if (base.get("type") instanceof List<?> types) {
            var rest = new ArrayList<Object>(types);
            allowsNull |= rest.remove("null");
            base.put("type", rest.size() == 1 ? rest.get(0) : rest);
        }
        if (allowsNull != nullable) {
            problems.add(where + (nullable ? " may be null (@Nullable): allow 'null' and leave it out of required"
                    : " is never null: do not allow 'null'"));
        }
        var raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw.isRecord() || raw.isEnum()) {
            var target = refName(base);
            if (target == null) {
                problems.add(where + " must be a $ref to the schema of " + raw.getName());
            } else if (!raw.getName().equals(schemas().getOrDefault(target, Map.of()).get("x-java-type"))) {
                problems.add(where + " refers to " + target + ", whose x-java-type is not " + raw.getName());
            }
            return;
        }
        if (List.class.isAssignableFrom(raw)) {
            expect(where, base, "array", null, problems);
            if (base.get("items") == null) {
                problems.add(where + " is an array without items");
            } else {
                checkProperty(where + " items", ((ParameterizedType) type).getActualTypeArguments()[0], false, map(base.get("items")),
                        false, problems);
            }
            return;
        }
        if (Map.class.isAssignableFrom(raw)) {
            expect(where, base, "object", null, problems);
            var arguments = ((ParameterizedType) type).getActualTypeArguments();
            if (!(base.get("additionalProperties") instanceof Map<?, ?> values)) {
                problems.add(where + " is a map: describe its values in additionalProperties");
            } else {
                checkProperty(where + " values", arguments[1], false, map(values), false, problems);
            }
            if (arguments[0] instanceof Class<?> key && key.isEnum()) {
                if (!(base.get("propertyNames") instanceof Map<?, ?> names)) {
                    problems.add(where + " is keyed by " + key.getSimpleName() + ": give propertyNames a $ref to its schema");
                } else {
                    checkProperty(where + " keys", key, false, map(names), false, problems);
                }
            }
            return;
        }
        if (raw == String.class) {
            expect(where, base, "string", null, problems);
        } else if (raw == Instant.class) {
            expect(where, base, "string", "date-time", problems);
        } else if (raw == int.class || raw == Integer.class) {
            expect(where, base, "integer", "int32", problems);
        } else if (raw == long.class || raw == Long.class) {
            expect(where, base, "integer", "int64", problems);
        } else if (raw == float.class || raw == Float.class || raw == double.class || raw == Double.class) {
            expect(where, base, "number", null, problems);
        } else if (raw == boolean.class || raw == Boolean.class) {
            expect(where, base, "boolean", null, problems);
        } else {
            problems.add(where + ": AsyncApiDocTest does not know how " + raw.getName() + " is written; teach it");
        }
    }

    private static void expect(String where, Map<String, Object> schema, String type, String format, List<String> problems) {
        if (!type.equals(schema.get("type"))) {
            problems.add(where + " should have type " + type + ", has " + schema.get("type"));
        }
        if (format != null && !format.equals(schema.get("format"))) {
            problems.add(where + " should have format " + format + ", has " + schema.get("format"));
        }
    }

    /** Every record and enum a payload contains, at any depth. */
    private static void reachable(Type type, Set<Class<?>> found) {
        if (type instanceof ParameterizedType p) {
            Arrays.stream(p.getActualTypeArguments()).forEach(argument -> reachable(argument, found));
            return;
        }
        if (type instanceof Class<?> c && (c.isRecord() || c.isEnum()) && found.add(c) && c.isRecord()) {
            Arrays.stream(c.getRecordComponents()).forEach(component -> reachable(component.getGenericType(), found));
        }
    }

    /** Components that are not @Nullable must be set in a read example, in nested records too. */
    private static void missingRequired(Object value, String where, List<String> problems) {
        if (value == null || !value.getClass().isRecord()) {
            if (value instanceof List<?> items) {
                items.forEach(item -> missingRequired(item, where, problems));
            }
            return;
        }
        for (var component : value.getClass().getRecordComponents()) {
            Object field;
            try {
                field = component.getAccessor().invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (field == null && !nullable(component)) {
                problems.add(where + " leaves out required " + value.getClass().getSimpleName() + "." + component.getName());
            }
            missingRequired(field, where, problems);
        }
    }

    private static void differences(JsonNode sent, JsonNode back, String path, List<String> found) {
        if (sent instanceof ObjectNode a && back instanceof ObjectNode b) {
            var names = new TreeSet<String>();
            a.propertyNames().forEach(names::add);
            b.propertyNames().forEach(names::add);
            for (var name : names) {
                var left = a.get(name);
                var right = b.get(name);
                if (left == null || right == null) {
                    found.add(path + name);
                } else {
                    differences(left, right, path + name + ".", found);
                }
            }
        } else if (!sent.equals(back)) {
            found.add(path.isEmpty() ? "(the whole event)" : path.substring(0, path.length() - 1));
        }
    }

    /** Without null fields (absent and null mean the same), and with numbers as a parser reads them (int vs long). */
    private static JsonNode comparable(JsonNode node) {
        var mapper = EventJson.mapper();
        return withoutNulls(mapper.readTree(mapper.writeValueAsString(node)));
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            var copy = object.deepCopy();
            var names = new ArrayList<String>();
            copy.propertyNames().forEach(names::add);
            for (var name : names) {
                if (copy.get(name).isNull()) {
                    copy.remove(name);
                } else {
                    copy.set(name, withoutNulls(copy.get(name)));
                }
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = EventJson.mapper().createArrayNode();
            node.forEach(item -> copy.add(withoutNulls(item)));
            return copy;
        }
        return node;
    }

    private static boolean nullable(RecordComponent component) {
        return component.getAnnotatedType().isAnnotationPresent(Nullable.class);
    }

    private static java.util.Optional<Integer> schemaVersion(Class<?> type) {
        try {
            return java.util.Optional.of(type.getField("SCHEMA_VERSION").getInt(null));
        } catch (NoSuchFieldException e) {
            return java.util.Optional.empty();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static @Nullable Class<?> payloadOf(String topic) {
        if (PAYLOADS.containsKey(topic)) {
            return PAYLOADS.get(topic);
        }
        // <topic>.dlq and <topic>.<group>.dlq carry the records of <topic>
        return PAYLOADS.keySet().stream().filter(source -> topic.endsWith(".dlq") && topic.startsWith(source + "."))
                .max(java.util.Comparator.comparingInt(String::length)).map(PAYLOADS::get).orElse(null);
    }

    private static String constantFor(String topic) {
        for (var field : Topics.class.getFields()) {
            try {
                if (Modifier.isStatic(field.getModifiers()) && topic.equals(field.get(null))) {
                    return "Topics." + field.getName() + " (" + topic + ")";
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return "topic " + topic;
    }

    private static boolean hasKafkaKey(Map<String, Object> message) {
        var candidates = new ArrayList<Map<String, Object>>();
        candidates.add(message);
        list(message.get("traits")).forEach(trait -> candidates.add(resolve(map(trait))));
        return candidates.stream().anyMatch(m -> map(map(m.get("bindings")).get("kafka")).get("key") != null);
    }

    private static List<Map<String, Object>> messagesOf(Map<String, Object> channel) {
        return map(channel.get("messages")).values().stream().map(m -> resolve(map(m))).toList();
    }

    private static List<String> operationsOn(String channelId, String action) {
        var found = new ArrayList<String>();
        map(doc.get("operations")).forEach((id, value) -> {
            var operation = map(value);
            if (action.equals(operation.get("action"))
                    && ("#/channels/" + channelId).equals(map(operation.get("channel")).get("$ref"))) {
                found.add(id);
            }
        });
        return found;
    }

    /** The operations of {@code service} with {@code action} on the channel whose address is {@code address}. */
    private static List<Map<String, Object>> operations(String service, String action, String address) {
        var found = new ArrayList<Map<String, Object>>();
        map(doc.get("operations")).forEach((id, value) -> {
            var operation = map(value);
            if (action.equals(operation.get("action")) && tags(operation).contains(service)
                    && address.equals(resolve(map(operation.get("channel"))).get("address"))) {
                found.add(operation);
            }
        });
        return found;
    }

    private static List<String> tags(Map<String, Object> operation) {
        return list(operation.get("tags")).stream().map(tag -> (String) map(tag).get("name")).toList();
    }

    /** The one consumer group an operation names ({@code bindings.kafka.groupId.enum}), or null. */
    private static @Nullable String groupOf(Map<String, Object> operation) {
        var groups = list(map(map(map(operation.get("bindings")).get("kafka")).get("groupId")).get("enum"));
        return groups.size() == 1 ? (String) groups.get(0) : null;
    }

    private static Class<?> javaType(Map<String, Object> schema) {
        try {
            return Class.forName((String) schema.get("x-java-type"));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static @Nullable String schemaNameFor(Class<?> type) {
        return schemas().entrySet().stream().filter(e -> type.getName().equals(e.getValue().get("x-java-type")))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    private static @Nullable String refName(Map<String, Object> schema) {
        var ref = (String) schema.get("$ref");
        return ref == null ? null : ref.substring(ref.lastIndexOf('/') + 1);
    }

    /** Follows a local $ref ({@code #/a/b/c}), or returns the object itself. */
    private static Map<String, Object> resolve(Map<String, Object> node) {
        var ref = (String) node.get("$ref");
        if (ref == null) {
            return node;
        }
        Object target = doc;
        for (var part : ref.substring(2).split("/")) {
            target = map(target).get(part);
        }
        if (target == null) {
            fail("$ref " + ref + " points nowhere in docs/asyncapi.yaml" + FIX);
        }
        return resolve(map(target));
    }

    private static Map<String, Map<String, Object>> channels() {
        var channels = new LinkedHashMap<String, Map<String, Object>>();
        map(doc.get("channels")).forEach((id, channel) -> channels.put(id, map(channel)));
        return channels;
    }

    private static Map<String, Object> components() {
        return map(doc.get("components"));
    }

    private static Map<String, Map<String, Object>> schemas() {
        var schemas = new LinkedHashMap<String, Map<String, Object>>();
        map(components().get("schemas")).forEach((name, schema) -> schemas.put(name, map(schema)));
        return schemas;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node == null ? Map.of() : (Map<String, Object>) node;
    }

    private static List<?> list(Object node) {
        return node == null ? List.of() : (List<?>) node;
    }

    private static void report(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " difference(s) between docs/asyncapi.yaml and contracts:\n  - "
                    + String.join("\n  - ", problems) + FIX);
        }
    }
}
