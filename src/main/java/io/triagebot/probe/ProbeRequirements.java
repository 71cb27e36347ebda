package io.triagebot.probe;

/**
 * What a probe needs from the target, used to explain why it could not be read.
 *
 * @param root reading needs root (or the file is restricted to root)
 * @param kernel the oldest kernel version that has it, or null
 * @param feature the kernel option or boot flag it depends on, or null
 */
public record ProbeRequirements(boolean root, String kernel, String feature) {

    public static final ProbeRequirements NONE = new ProbeRequirements(false, null, null);

    /** A phrase such as "needs root, kernel >= 4.20, CONFIG_PSI", or empty when nothing special. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        if (root) {
            out.append("root");
        }
        if (kernel != null) {
            out.append(out.isEmpty() ? "" : ", ").append("kernel >= ").append(kernel);
        }
        if (feature != null) {
            out.append(out.isEmpty() ? "" : ", ").append(feature);
        }
        return out.isEmpty() ? "" : "needs " + out;
    }
}
