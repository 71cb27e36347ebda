package io.triagebot.yaml;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * A catalog kept as a directory of YAML files (the probes in commands/, the runbooks in runbooks/): the
 * copy built into the application, and the files of a directory in a stable order.
 */
public final class CatalogDirectory {

    /** Loads a catalog from a directory. */
    @FunctionalInterface
    public interface Loader<T, E extends Exception> {
        T load(Path dir) throws E;
    }

    /** One file of the catalog and the name errors give it ("commands/cpu.yaml"). */
    public record Source(Path file, String name) {
    }

    private CatalogDirectory() {
    }

    /**
     * Loads the classpath directory {@code dir}, whether the application runs from classes or from its jar.
     *
     * @param marker a file that is always in the directory, to find it on the classpath
     * @param error builds the catalog's own exception from a message and a cause (or null)
     */
    public static <T, E extends Exception> T builtIn(String dir, String marker, Loader<T, E> loader,
            BiFunction<String, Throwable, E> error) throws E {
        URL url = CatalogDirectory.class.getClassLoader().getResource(dir + "/" + marker);
        if (url == null) {
            throw error.apply("built-in " + dir + "/ missing from the classpath (broken build?)", null);
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                    return loader.load(fs.getPath("/" + dir));
                }
            }
            return loader.load(Path.of(uri).getParent());
        } catch (URISyntaxException | IOException e) {
            throw error.apply("cannot open the built-in " + dir + "/: " + e.getMessage(), e);
        }
    }

    /** The {@code *.yaml} files of {@code dir} in name order; none at all is an error. */
    public static <E extends Exception> List<Source> yamlFiles(Path dir, String what,
            BiFunction<String, Throwable, E> error) throws E {
        if (!Files.isDirectory(dir)) {
            throw error.apply(dir + ": " + what + " directory does not exist", null);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw error.apply(dir + ": cannot list the " + what + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw error.apply(dir + ": " + what + " has no *.yaml files", null);
        }
        String prefix = dir.getFileName() == null ? "" : dir.getFileName() + "/";
        return files.stream().map(f -> new Source(f, prefix + f.getFileName())).toList();
    }
}
