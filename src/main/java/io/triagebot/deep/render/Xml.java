package io.triagebot.deep.render;

/** Escaping for text from hosts (function and process names) that goes into SVG. */
public final class Xml {

    private Xml() {
    }

    /**
     * {@code s} safe inside XML text and double- or single-quoted attributes: markup characters escaped,
     * and characters XML 1.0 forbids (controls, lone surrogates, U+FFFE, U+FFFF) replaced by '?'.
     */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if ((c < 0x20 && c != '\t') || c == 0x7f || Character.isSurrogate(c) || c == 0xFFFE
                            || c == 0xFFFF) {
                        out.append('?');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
