package io.triagebot.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triagebot.config.BotConfig;
import io.triagebot.config.BotConfigLoader;
import io.triagebot.config.ConfigException;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.Postmortem;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.ops.LogContext;
import io.triagebot.ops.LogContext.Field;
import io.triagebot.store.Database;
import io.triagebot.store.DatabaseSettings;
import io.triagebot.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code triagebot export INC-42}: an incident's timeline as a Markdown postmortem or JSON. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Print an incident's timeline: a Markdown postmortem (default) or JSON, from the bot's database.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "2:usage error or no such incident", "4:database or configuration error"})
final class ExportCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { md, json }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INC-N", description = "the incident id shown on its anchor, e.g. INC-42")
    String incident;

    @Option(names = "--format", defaultValue = "md", description = "md or json (default ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "the bot's data directory (default: $TRIAGEBOT_DATA_DIR, else ~/.local/share/triagebot)")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE", description = "the bot's configuration file, for its database")
    Path config;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<IncidentId> id = IncidentId.parse(incident);
        if (id.isEmpty()) {
            err.println("triagebot: '" + incident + "' is not an incident id like INC-42");
            return ExitCodes.USAGE;
        }
        DatabaseSettings db;
        try {
            db = databaseSettings();
        } catch (ConfigException e) {
            err.println("triagebot: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        try (LogContext.Scope scope = LogContext.with(Field.INCIDENT, id.get().toString()).open();
                Database database = Database.open(db)) {
            IncidentStore store = new IncidentStore(database);
            Optional<Incident> found = store.find(id.get());
            if (found.isEmpty()) {
                err.println("triagebot: no incident " + id.get() + " in " + db.describe());
                return ExitCodes.USAGE;
            }
            List<TimelineEvent> timeline = store.timeline(id.get());
            if (format == Format.md) {
                out.print(new Postmortem(found.get(), timeline).markdown());
            } else {
                out.println(json(found.get(), timeline));
            }
            out.flush();
            return ExitCodes.OK;
        } catch (StoreException e) {
            err.println("triagebot: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
    }

    /** The same database the bot uses: its config and environment, without needing Slack secrets. */
    private DatabaseSettings databaseSettings() throws ConfigException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent("SLACK_BOT_TOKEN", "xoxb-export");
        env.putIfAbsent("SLACK_SIGNING_SECRET", "export");
        Path file = config != null ? config
                : env.get("TRIAGEBOT_CONFIG") == null ? null : Path.of(env.get("TRIAGEBOT_CONFIG"));
        BotConfig bot = BotConfigLoader.load(file, env, null, dataDir);
        return bot.database();
    }

    private static String json(Incident i, List<TimelineEvent> timeline) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("id", i.id().toString());
        root.put("host", i.host());
        root.put("channel", i.channel());
        root.put("anchorTs", i.anchorTs());
        root.put("status", i.status().name());
        root.put("severity", i.severity());
        root.put("headline", i.headline());
        root.put("pattern", i.pattern());
        root.put("requestedBy", i.requestedBy());
        root.put("openedAt", i.openedAt().toString());
        root.put("resolvedAt", i.resolvedAt() == null ? null : i.resolvedAt().toString());
        root.put("resolvedBy", i.resolvedBy());
        root.put("resolution", i.resolution());
        ArrayNode events = root.putArray("timeline");
        for (TimelineEvent e : timeline) {
            ObjectNode o = events.addObject();
            o.put("seq", e.seq());
            o.put("type", e.type().name());
            o.put("actor", e.actor());
            o.put("at", e.occurredAt().toString());
            o.put("summary", e.summary());
            if (e.payload() != null) {
                try {
                    o.set("payload", mapper.readTree(e.payload()));
                } catch (IOException ex) {
                    o.put("payload", e.payload());
                }
            }
        }
        return root.toString();
    }
}
