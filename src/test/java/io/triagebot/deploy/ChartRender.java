package io.triagebot.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart rendered by the Helm library itself (as {@code helm template} would) and parsed back into
 * maps, so tests look at the objects Kubernetes would receive rather than at template text.
 */
final class ChartRender {

    static final Path CHART = Path.of(System.getProperty("triagebot.projectDir", "."), "helm", "triagebot");
    static final String RELEASE = "tb";
    static final String FULLNAME = "tb-triagebot";

    private final List<Map<String, Object>> docs;

    private ChartRender(List<Map<String, Object>> docs) {
        this.docs = docs;
    }

    /** Renders with the chart's defaults plus {@code valuesYaml} (a values file's text; "" for none). */
    static ChartRender of(Path scratch, String valuesYaml) throws IOException {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace("ops");
        if (!valuesYaml.isBlank()) {
            Path file = Files.createTempFile(scratch, "values", ".yaml");
            Files.writeString(file, valuesYaml);
            template.withValuesFile(file);
        }
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(template.call())) {
            if (doc != null) {
                docs.add(map(doc));
            }
        }
        return new ChartRender(docs);
    }

    /** The message rendering is refused with (the schema's or the chart's own); fails the test if it renders. */
    static String errorOf(Path scratch, String valuesYaml) {
        return assertThrows(IllegalStateException.class, () -> of(scratch, valuesYaml)).getMessage();
    }

    List<Map<String, Object>> all() {
        return docs;
    }

    List<String> kinds() {
        return docs.stream().map(d -> (String) d.get("kind")).sorted().toList();
    }

    /** The one object of this kind and name; fails the test when there is none or more than one. */
    Map<String, Object> get(String kind, String name) {
        List<Map<String, Object>> found = docs.stream()
                .filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata", "name")))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " " + kind + " named " + name + " in " + kinds());
        }
        return found.get(0);
    }

    Map<String, Object> deployment() {
        return get("Deployment", FULLNAME);
    }

    Map<String, Object> podSpec() {
        return map(at(deployment(), "spec", "template", "spec"));
    }

    Map<String, Object> container() {
        List<Object> containers = list(podSpec().get("containers"));
        return map(containers.get(0));
    }

    /** The bot's config file as the pod reads it. */
    Map<String, Object> botConfig() {
        String text = (String) at(get("ConfigMap", FULLNAME), "data", "triagebot.yaml");
        return map(new Yaml().load(text));
    }

    Map<String, Object> volume(String name) {
        return byName(podSpec().get("volumes"), name);
    }

    Map<String, Object> mount(String name) {
        return byName(container().get("volumeMounts"), name);
    }

    Map<String, Object> env(String name) {
        return byName(container().get("env"), name);
    }

    boolean hasVolume(String name) {
        return list(podSpec().get("volumes")).stream().anyMatch(v -> name.equals(map(v).get("name")));
    }

    static Map<String, Object> byName(Object items, String name) {
        return list(items).stream().map(ChartRender::map).filter(m -> name.equals(m.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no item named " + name + " in " + items));
    }

    /** Walks nested maps; null when a key is missing on the way. */
    static Object at(Object root, String... keys) {
        Object o = root;
        for (String k : keys) {
            if (!(o instanceof Map<?, ?> m)) {
                return null;
            }
            o = m.get(k);
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) Objects.requireNonNull(o, "expected a map, got nothing");
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) Objects.requireNonNull(o, "expected a list, got nothing");
    }
}
