package io.triagebot.yaml;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads YAML through SnakeYAML's node tree rather than a data binder, so that every complaint about a
 * user-edited file (probe catalog, runbooks, thresholds, configuration) can name the file and line.
 * Anchors, aliases and tags are refused: our files are plain data and aliases are a memory bomb.
 */
public final class StrictYaml {

    /** Files we read are small, hand-written data; anything bigger is a mistake or an attack. */
    static final int MAX_FILE_BYTES = 1024 * 1024;

    private StrictYaml() {
    }

    /** Reads {@code file} whose top level must be a mapping; {@code source} is how errors name it. */
    public static YamlMap loadMap(Path file, String source) throws YamlException {
        String text;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new YamlException(source, 0, "file is " + size + " bytes; the limit is " + MAX_FILE_BYTES);
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new YamlException(source, 0, "cannot read: " + e.getMessage());
        }
        return parseMap(text, source);
    }

    /** Parses {@code text} whose top level must be a mapping. */
    public static YamlMap parseMap(String text, String source) throws YamlException {
        if (text.length() > MAX_FILE_BYTES) {
            throw new YamlException(source, 0, "document is longer than " + MAX_FILE_BYTES + " characters");
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(MAX_FILE_BYTES);
        Node root;
        try (Reader reader = new StringReader(text)) {
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new YamlException(source, line, "not valid YAML: " + firstLine(e.getProblem()));
        } catch (YAMLException e) {
            throw new YamlException(source, 0, "not valid YAML: " + firstLine(e.getMessage()));
        } catch (IOException e) {
            throw new YamlException(source, 0, "cannot read: " + e.getMessage());
        }
        if (root == null) {
            throw new YamlException(source, 1, "file is empty");
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new YamlException(source, YamlMap.lineOf(root), "expected a mapping (key: value) at the top level");
        }
        return new YamlMap(source, mapping, "");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
