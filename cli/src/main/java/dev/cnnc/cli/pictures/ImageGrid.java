package dev.cnnc.cli.pictures;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A grid of small images with a caption, drawn with Java2D: each tile scaled up by whole pixels
 * (nearest neighbour, so a 3x3 kernel shows its 9 weights as squares), on a white page, tiles
 * separated by a gap, the caption above. The same tiles always give the same pixels.
 */
public final class ImageGrid {
    /** One tile: {@code rgb} pixels, {@code width * height} of them, 0xRRGGBB. */
    public record Tile(int width, int height, int[] rgb) {}

    static final int GAP = 4;
    static final int CAPTION = 22;
    static final int LABEL = 16;

    private ImageGrid() {}

    /** Tiles of equal size in rows of {@code columns}, each at {@code scale} screen pixels per pixel. */
    public static BufferedImage draw(String caption, List<Tile> tiles, int columns, int scale) {
        return draw(caption, tiles, null, columns, scale);
    }

    /** The same, with a line of text under each tile ({@code labels}, or null for none). */
    public static BufferedImage draw(String caption, List<Tile> tiles, List<String> labels, int columns, int scale) {
        int label = labels == null ? 0 : LABEL;
        int longest = labels == null ? 0 : labels.stream().mapToInt(String::length).max().orElse(0);
        int tw = Math.max(tiles.get(0).width() * scale, 7 * longest + 4); // about 7 pixels a character at 12 points
        int th = tiles.get(0).height() * scale + label;
        int cols = Math.max(1, Math.min(columns, tiles.size()));
        int rows = (tiles.size() + cols - 1) / cols;
        int width = Math.max(GAP + cols * (tw + GAP), 16 + caption.length() * 7);
        int height = CAPTION + GAP + rows * (th + GAP);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(caption, GAP, (CAPTION + fm.getAscent() - fm.getDescent()) / 2 + 2);
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            int x0 = GAP + (i % cols) * (tw + GAP);
            int y0 = CAPTION + GAP + (i / cols) * (th + GAP);
            for (int y = 0; y < t.height(); y++) {
                for (int x = 0; x < t.width(); x++) {
                    int rgb = t.rgb()[y * t.width() + x];
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            image.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                        }
                    }
                }
            }
            if (labels != null) {
                g.drawString(labels.get(i), x0, y0 + th - 4);
            }
        }
        g.dispose();
        return image;
    }

    /** A grey level 0..255 as 0xRRGGBB. */
    static int grey(int level) {
        int v = Math.max(0, Math.min(255, level));
        return v << 16 | v << 8 | v;
    }

    /** Whole screen pixels per pixel so that a tile is about {@code target} wide, at least 1. */
    static int scaleFor(int size, int target) {
        return Math.max(1, Math.round((float) target / size));
    }
}
