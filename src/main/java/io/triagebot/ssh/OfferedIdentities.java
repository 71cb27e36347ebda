package io.triagebot.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.UnixDomainSocketFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Vector;

/**
 * The public keys one hop offers, in OpenSSH's spirit: configured IdentityFile keys first (through
 * the agent when it holds the same key, which is how passphrase-protected keys get used), then any
 * other agent keys unless IdentitiesOnly is set. A key we cannot use without a prompt is skipped and
 * remembered for the error message; a bot never prompts.
 */
final class OfferedIdentities implements IdentityRepository {

    /** Thrown when an IdentityFile exists but cannot be used at all. */
    static final class UnusableKeyException extends Exception {
        private static final long serialVersionUID = 1L;

        UnusableKeyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final List<Identity> fileIdentities;
    private final List<Path> missing;
    private final List<Path> encrypted;
    private final IdentityRepository agent;
    private final String agentSocket;
    private final boolean identitiesOnly;
    private volatile List<String> lastOffered = List.of();

    private OfferedIdentities(List<Identity> fileIdentities, List<Path> missing, List<Path> encrypted,
            IdentityRepository agent, String agentSocket, boolean identitiesOnly) {
        this.fileIdentities = fileIdentities;
        this.missing = missing;
        this.encrypted = encrypted;
        this.agent = agent;
        this.agentSocket = agentSocket;
        this.identitiesOnly = identitiesOnly;
    }

    /**
     * Loads the hop's identity files into {@code jsch} and connects the agent lazily.
     *
     * @param agentSocket the agent's unix socket, or null for no agent
     */
    static OfferedIdentities load(JSch jsch, SshHostConfig hop, String agentSocket) throws UnusableKeyException {
        List<Path> missing = new ArrayList<>();
        List<Path> encrypted = new ArrayList<>();
        for (Path file : hop.identityFiles()) {
            if (!Files.exists(file)) {
                missing.add(file); // as ssh does: a missing IdentityFile is skipped, not fatal
                continue;
            }
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new UnusableKeyException("identity file " + file + " is not a readable file", null);
            }
            try {
                jsch.addIdentity(file.toString());
            } catch (JSchException e) {
                throw new UnusableKeyException("cannot load identity file " + file + ": "
                        + SshFailures.oneLine(e.getMessage()), e);
            }
        }
        List<Identity> loaded = new ArrayList<>(jsch.getIdentityRepository().getIdentities());
        for (Identity identity : loaded) {
            if (identity.isEncrypted()) {
                encrypted.add(Path.of(identity.getName()));
            }
        }
        IdentityRepository agent = null;
        if (agentSocket != null && !agentSocket.isEmpty()) {
            try {
                agent = new AgentIdentityRepository(
                        new SSHAgentConnector(new UnixDomainSocketFactory(), Path.of(agentSocket)));
            } catch (Exception | LinkageError e) {
                agent = null; // no usable agent support: the key files alone will have to do
            }
        }
        return new OfferedIdentities(List.copyOf(loaded), List.copyOf(missing), List.copyOf(encrypted), agent,
                agentSocket, hop.identitiesOnly());
    }

    @Override
    public Vector<Identity> getIdentities() {
        Map<ByteBuffer, Identity> fromAgent = new LinkedHashMap<>();
        if (agent != null) {
            try {
                for (Identity identity : agent.getIdentities()) {
                    fromAgent.putIfAbsent(ByteBuffer.wrap(identity.getPublicKeyBlob()), identity);
                }
            } catch (RuntimeException e) {
                fromAgent.clear(); // a broken agent must not cost us the key files
            }
        }
        Vector<Identity> offered = new Vector<>();
        List<String> names = new ArrayList<>();
        Set<ByteBuffer> seen = new HashSet<>();
        for (Identity file : fileIdentities) {
            byte[] blob = file.getPublicKeyBlob();
            ByteBuffer key = blob == null ? null : ByteBuffer.wrap(blob);
            Identity viaAgent = key == null ? null : fromAgent.get(key);
            if (viaAgent != null && seen.add(key)) {
                offered.add(viaAgent);
                names.add(file.getName() + " (via ssh-agent)");
            } else if (!file.isEncrypted() && (key == null || seen.add(key))) {
                offered.add(file);
                names.add(file.getName());
            }
        }
        if (!identitiesOnly) {
            int agentOnly = 0;
            for (Map.Entry<ByteBuffer, Identity> entry : fromAgent.entrySet()) {
                if (seen.add(entry.getKey())) {
                    offered.add(entry.getValue());
                    agentOnly++;
                }
            }
            if (agentOnly > 0) {
                names.add(agentOnly + " ssh-agent key" + (agentOnly == 1 ? "" : "s"));
            }
        }
        lastOffered = List.copyOf(names);
        return offered;
    }

    /** For "authentication failed" messages: what was offered and what was skipped, in one phrase. */
    String describe() {
        List<String> parts = new ArrayList<>();
        List<String> offered = lastOffered;
        parts.add(offered.isEmpty() ? "no keys offered" : "offered " + String.join(", ", offered));
        if (!encrypted.isEmpty()) {
            parts.add("skipped passphrase-protected " + join(encrypted) + " (load it into ssh-agent)");
        }
        if (!missing.isEmpty()) {
            parts.add("not found: " + join(missing));
        }
        if (agentSocket == null || agentSocket.isEmpty()) {
            parts.add("no ssh-agent");
        } else if (agent == null) {
            parts.add("ssh-agent unusable");
        }
        return String.join("; ", parts);
    }

    private static String join(List<Path> paths) {
        return String.join(", ", paths.stream().map(Path::toString).toList());
    }

    @Override
    public String getName() {
        return "triagebot";
    }

    @Override
    public int getStatus() {
        return RUNNING;
    }

    @Override
    public boolean add(byte[] identity) {
        return false;
    }

    @Override
    public boolean remove(byte[] blob) {
        return false;
    }

    @Override
    public void removeAll() {
        // read-only view
    }
}
