package io.triagebot.deep.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * Draws a PNG off-screen with Java2D. The bot runs on servers and in containers without a display, so
 * AWT is forced headless before its first use (a DISPLAY inherited from a desktop session must not make
 * AWT look for an X server).
 */
final class Png {

    // First, before any AWT class is touched.
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);

    private Png() {
    }

    /**
     * Paints a {@code width} x {@code height} image under a centred title and subtitle and returns it
     * encoded as PNG; {@code painter} draws the rest in the small font.
     */
    static byte[] draw(int width, int height, String title, String subtitle, Consumer<Graphics2D> painter) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(new Color(0xf8, 0xf8, 0xf8));
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(TITLE_FONT);
            centred(g, title, width / 2, 22);
            g.setFont(FONT);
            centred(g, subtitle, width / 2, 40);
            painter.accept(g);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Draws {@code text} centred on {@code centreX}. */
    static void centred(Graphics2D g, String text, int centreX, int baseline) {
        g.drawString(text, centreX - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    /** {@code text} cut (with "..") to fit {@code width} pixels in the current font; empty if nothing fits. */
    static String fit(Graphics2D g, String text, double width) {
        var metrics = g.getFontMetrics();
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        // Start from an estimate by average character width, then step down: few measurements per label.
        int n = Math.min(text.length(), (int) (width / Math.max(1, metrics.charWidth('m') * 0.6)));
        while (n > 0 && metrics.stringWidth(text.substring(0, n) + "..") > width) {
            n--;
        }
        return n < 3 ? "" : text.substring(0, n) + "..";
    }
}
