package com.desayre.providersim;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Draws a small landscape for a prompt: a sky-to-ground gradient whose palette comes from the
 * prompt's words, a sun or moon, clouds or stars and rolling hills placed by a seeded
 * {@link Random}, and the prompt in a caption band. Pure function of the {@link Spec}: the same
 * spec gives a byte-identical PNG, so outputs can be re-rendered instead of stored.
 */
final class ImageRenderer {

    static final int MIN_SIDE = 64;
    static final int MAX_SIDE = 2048;

    /**
     * @param prompt the prompt, directives already removed
     * @param seed   the generation seed
     * @param index  which of the job's samples (0-based)
     */
    record Spec(String prompt, long seed, int width, int height, int index) {
        Spec {
            Objects.requireNonNull(prompt, "prompt");
            if (width < MIN_SIDE || width > MAX_SIDE || height < MIN_SIDE || height > MAX_SIDE) {
                throw new IllegalArgumentException("size out of range: " + width + "x" + height);
            }
            if (index < 0) {
                throw new IllegalArgumentException("index < 0");
            }
        }
    }

    byte[] renderPng(Spec spec) {
        return encodePng(render(spec));
    }

    BufferedImage render(Spec spec) {
        int w = spec.width();
        int h = spec.height();
        Palette palette = Palette.of(spec.prompt());
        Random rnd = new Random(mix(spec.seed(), spec.index(), promptHash(spec.prompt())));

        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);

            float horizon = h * (0.52f + rnd.nextFloat() * 0.16f);
            drawSky(g, palette, w, h, horizon);
            if (palette.night()) {
                drawStars(g, rnd, w, horizon);
            }
            drawSun(g, palette, rnd, w, h, horizon);
            drawClouds(g, palette, rnd, w, h, horizon);
            drawHills(g, palette, rnd, w, h, horizon);
            drawCaption(g, spec, w, h);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * An "edit" of {@code source}: the source scaled to the spec's size, graded toward the
     * prompt's palette and a seeded colour wash, with the edit prompt in the caption band. Visibly
     * the same picture, visibly changed; deterministic for the same source and spec.
     */
    BufferedImage renderEdit(BufferedImage source, Spec spec) {
        int w = spec.width();
        int h = spec.height();
        Palette palette = Palette.of(spec.prompt());
        Random rnd = new Random(mix(spec.seed(), spec.index(), promptHash(spec.prompt())));
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.drawImage(source, 0, 0, w, h, null);
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.22f + rnd.nextFloat() * 0.1f));
            g.setPaint(new GradientPaint(0, 0, palette.skyTop(), w, h, palette.groundNear()));
            g.fillRect(0, 0, w, h);
            g.setComposite(AlphaComposite.SrcOver);
            drawCaption(g, spec, w, h);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** PNG bytes; a light deflate level (about 2x faster than ImageIO's default, ~25% larger). */
    static byte[] encodePng(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        ByteArrayOutputStream out = new ByteArrayOutputStream(image.getWidth() * image.getHeight() / 6);
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    // ---- scene -------------------------------------------------------------------------------

    private static void drawSky(Graphics2D g, Palette p, int w, int h, float horizon) {
        g.setPaint(new GradientPaint(0, 0, p.skyTop(), 0, horizon, p.skyHorizon()));
        g.fill(new Rectangle2D.Float(0, 0, w, horizon + 2));
        g.setPaint(new GradientPaint(0, horizon, p.groundFar(), 0, h, p.groundNear()));
        g.fill(new Rectangle2D.Float(0, horizon, w, h - horizon));
    }

    private static void drawStars(Graphics2D g, Random rnd, int w, float horizon) {
        int count = 40 + (int) (w * horizon / 9000);
        for (int i = 0; i < count; i++) {
            float x = rnd.nextFloat() * w;
            float y = rnd.nextFloat() * horizon * 0.9f;
            float r = 0.6f + rnd.nextFloat() * 1.4f;
            g.setColor(new Color(255, 255, 240, 90 + rnd.nextInt(160)));
            g.fill(new Ellipse2D.Float(x - r, y - r, 2 * r, 2 * r));
        }
    }

    private static void drawSun(Graphics2D g, Palette p, Random rnd, int w, int h, float horizon) {
        float side = Math.min(w, h);
        float r = side * (0.045f + rnd.nextFloat() * 0.055f);
        float cx = w * (0.12f + rnd.nextFloat() * 0.76f);
        float cy = Math.max(r * 1.5f, horizon * (0.18f + rnd.nextFloat() * 0.55f));
        Color sun = p.sun();
        g.setPaint(new RadialGradientPaint(new Point2D.Float(cx, cy), r * 5,
                new float[] {0f, 0.22f, 1f},
                new Color[] {withAlpha(sun, 170), withAlpha(sun, 60), withAlpha(sun, 0)},
                MultipleGradientPaint.CycleMethod.NO_CYCLE));
        g.fill(new Ellipse2D.Float(cx - r * 5, cy - r * 5, r * 10, r * 10));
        g.setColor(sun);
        Ellipse2D disc = new Ellipse2D.Float(cx - r, cy - r, 2 * r, 2 * r);
        if (p.night()) { // a crescent moon
            Area moon = new Area(disc);
            moon.subtract(new Area(new Ellipse2D.Float(cx - r * 0.45f, cy - r * 1.15f, 2 * r, 2 * r)));
            g.fill(moon);
        } else {
            g.fill(disc);
        }
    }

    private static void drawClouds(Graphics2D g, Palette p, Random rnd, int w, int h, float horizon) {
        int clouds = p.night() ? rnd.nextInt(2) : 2 + rnd.nextInt(4);
        Color tint = p.night() ? new Color(150, 150, 190) : new Color(255, 255, 255);
        for (int c = 0; c < clouds; c++) {
            float cw = w * (0.12f + rnd.nextFloat() * 0.18f);
            float ch = cw * (0.22f + rnd.nextFloat() * 0.12f);
            float cx = rnd.nextFloat() * w;
            float cy = horizon * (0.1f + rnd.nextFloat() * 0.6f);
            int puffs = 4 + rnd.nextInt(4);
            for (int i = 0; i < puffs; i++) {
                float pw = cw * (0.35f + rnd.nextFloat() * 0.45f);
                float ph = ch * (0.6f + rnd.nextFloat() * 0.7f);
                float px = cx + (rnd.nextFloat() - 0.5f) * cw * 0.8f;
                float py = cy + (rnd.nextFloat() - 0.5f) * ch * 0.6f;
                g.setColor(withAlpha(tint, 45 + rnd.nextInt(60)));
                g.fill(new Ellipse2D.Float(px - pw / 2, py - ph / 2, pw, ph));
            }
        }
    }

    private static void drawHills(Graphics2D g, Palette p, Random rnd, int w, int h, float horizon) {
        int layers = 3 + rnd.nextInt(2);
        float groundDepth = h - horizon;
        for (int layer = 0; layer < layers; layer++) {
            float t = layers == 1 ? 1f : layer / (float) (layers - 1);
            float base = horizon - groundDepth * 0.15f + groundDepth * 0.55f * t;
            float amplitude = groundDepth * (0.10f + 0.12f * (1 - t)) * (0.6f + rnd.nextFloat() * 0.8f);
            int segments = 3 + rnd.nextInt(4);
            Path2D.Float hill = new Path2D.Float();
            hill.moveTo(0, h);
            hill.lineTo(0, base - rnd.nextFloat() * amplitude);
            for (int s = 1; s <= segments; s++) {
                float x = w * s / (float) segments;
                float y = base - rnd.nextFloat() * amplitude;
                float ctrlX = w * (s - 0.5f) / segments + (rnd.nextFloat() - 0.5f) * w / segments * 0.5f;
                float ctrlY = base - amplitude * (0.6f + rnd.nextFloat() * 0.9f);
                hill.quadTo(ctrlX, ctrlY, x, y);
            }
            hill.lineTo(w, h);
            hill.closePath();
            // far hills fade into the horizon haze, near ones are darker and richer
            Color near = blend(p.hillFar(), p.groundNear(), t);
            Color hazed = blend(p.skyHorizon(), near, 0.45f + 0.55f * t);
            g.setPaint(new GradientPaint(0, base - amplitude, hazed, 0, h, darker(hazed, 0.65f)));
            g.fill(hill);
        }
    }

    private static void drawCaption(Graphics2D g, Spec spec, int w, int h) {
        int band = Math.max(14, Math.min(44, Math.round(h * 0.055f)));
        g.setComposite(AlphaComposite.SrcOver);
        g.setColor(new Color(0, 0, 0, 150));
        g.fill(new Rectangle2D.Float(0, h - band, w, band));
        try {
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.round(band * 0.55f)));
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            int pad = Math.max(4, band / 3);
            int baseline = h - band + (band - fm.getHeight()) / 2 + fm.getAscent();
            String tag = "seed " + spec.seed() + " #" + spec.index();
            int tagWidth = fm.stringWidth(tag);
            boolean showTag = tagWidth + 3 * pad < w / 2;
            int room = w - 2 * pad - (showTag ? tagWidth + pad : 0);
            String text = spec.prompt().isBlank() ? "(empty prompt)" : spec.prompt();
            g.setColor(new Color(245, 245, 245));
            g.drawString(fit(text, fm, room), pad, baseline);
            if (showTag) {
                g.setColor(new Color(200, 200, 200));
                g.drawString(tag, w - pad - tagWidth, baseline);
            }
        } catch (RuntimeException | LinkageError e) {
            // A headless box without fonts: keep the picture, drop the caption text.
        }
    }

    private static String fit(String text, FontMetrics fm, int room) {
        String oneLine = text.replaceAll("\\s+", " ");
        if (fm.stringWidth(oneLine) <= room) {
            return oneLine;
        }
        String ellipsis = "…";
        int end = oneLine.length();
        while (end > 0 && fm.stringWidth(oneLine.substring(0, end) + ellipsis) > room) {
            end = Math.max(0, end - Math.max(1, (end / 8)));
        }
        return end == 0 ? "" : oneLine.substring(0, end).strip() + ellipsis;
    }

    // ---- palette ------------------------------------------------------------------------------

    /** Colours chosen from the prompt: a few keywords steer the mood, the rest hashes to hues. */
    record Palette(Color skyTop, Color skyHorizon, Color sun, Color hillFar, Color groundFar, Color groundNear,
                   boolean night) {

        private static final Set<String> NIGHT = Set.of("night", "midnight", "dark", "stars", "starry", "moon",
                "moonlit", "space", "galaxy", "nebula");
        private static final Set<String> DUSK = Set.of("sunset", "sunrise", "dusk", "dawn", "evening", "golden",
                "fire", "dragon", "lava", "autumn");
        private static final Set<String> SNOW = Set.of("snow", "snowy", "winter", "ice", "icy", "frozen", "arctic",
                "glacier", "peaks");
        private static final Set<String> GREEN = Set.of("forest", "jungle", "meadow", "grass", "garden", "green",
                "spring", "valley", "park");
        private static final Set<String> WATER = Set.of("ocean", "sea", "beach", "lake", "water", "island", "river",
                "coast");
        private static final Set<String> SAND = Set.of("desert", "sand", "dune", "dunes", "canyon", "savanna");

        static Palette of(String prompt) {
            String[] words = prompt.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
            long hash = 1125899906842597L;
            boolean night = false;
            boolean dusk = false;
            boolean snow = false;
            boolean green = false;
            boolean water = false;
            boolean sand = false;
            for (String word : words) {
                if (word.isEmpty()) {
                    continue;
                }
                hash = 31 * hash + word.hashCode();
                night |= NIGHT.contains(word);
                dusk |= DUSK.contains(word);
                snow |= SNOW.contains(word);
                green |= GREEN.contains(word);
                water |= WATER.contains(word);
                sand |= SAND.contains(word);
            }
            long bits = fmix(hash);
            float h1 = (bits & 0xFFFF) / 65536f;
            float h2 = ((bits >>> 16) & 0xFFFF) / 65536f;
            float h3 = ((bits >>> 32) & 0xFFFF) / 65536f;
            float jitter = (h3 - 0.5f) * 0.08f;

            Color skyTop;
            Color skyHorizon;
            Color sun;
            if (night) {
                skyTop = hsb(0.66f + jitter, 0.65f, 0.10f);
                skyHorizon = hsb(0.72f + jitter, 0.45f, 0.33f);
                sun = hsb(0.14f, 0.12f, 0.96f);
            } else if (dusk) {
                skyTop = hsb(0.64f + jitter, 0.50f, 0.45f);
                skyHorizon = hsb(0.05f + jitter / 2, 0.70f, 1.0f);
                sun = hsb(0.09f, 0.55f, 1.0f);
            } else {
                skyTop = hsb(0.57f + (h1 - 0.5f) * 0.16f, 0.45f + h2 * 0.3f, 0.78f + h3 * 0.15f);
                skyHorizon = hsb(h1, 0.12f + h2 * 0.18f, 1.0f);
                sun = hsb(0.13f + jitter / 2, 0.35f, 1.0f);
            }

            float groundHue;
            float groundSat;
            float groundBri;
            if (snow) {
                groundHue = 0.58f;
                groundSat = 0.08f;
                groundBri = 0.95f;
            } else if (green) {
                groundHue = 0.30f + jitter;
                groundSat = 0.55f;
                groundBri = 0.55f;
            } else if (water) {
                groundHue = 0.54f + jitter;
                groundSat = 0.65f;
                groundBri = 0.60f;
            } else if (sand) {
                groundHue = 0.10f + jitter / 2;
                groundSat = 0.50f;
                groundBri = 0.85f;
            } else {
                groundHue = h2;
                groundSat = 0.35f + h3 * 0.3f;
                groundBri = 0.50f + h1 * 0.2f;
            }
            float dim = night ? 0.35f : 1f;
            Color hillFar = hsb(groundHue + 0.04f, groundSat * 0.7f, groundBri * 0.9f * dim);
            Color groundFar = hsb(groundHue, groundSat, groundBri * dim);
            Color groundNear = hsb(groundHue - 0.02f, Math.min(1f, groundSat * 1.2f), groundBri * 0.7f * dim);
            return new Palette(skyTop, skyHorizon, sun, hillFar, groundFar, groundNear, night);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    static long promptHash(String prompt) {
        return fmix(prompt.hashCode() * 0x9E3779B97F4A7C15L);
    }

    static long mix(long seed, int index, long promptHash) {
        return fmix(seed * 0x9E3779B97F4A7C15L + index * 0xC2B2AE3D27D4EB4FL + promptHash);
    }

    /** MurmurHash3's 64-bit finaliser. */
    static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xFF51AFD7ED558CCDL;
        k ^= k >>> 33;
        k *= 0xC4CEB9FE1A85EC53L;
        k ^= k >>> 33;
        return k;
    }

    private static Color hsb(float h, float s, float b) {
        float hue = h - (float) Math.floor(h);
        return Color.getHSBColor(hue, clamp01(s), clamp01(b));
    }

    private static float clamp01(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    private static Color withAlpha(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.max(0, Math.min(255, alpha)));
    }

    private static Color blend(Color a, Color b, float t) {
        float u = clamp01(t);
        return new Color(
                Math.round(a.getRed() + (b.getRed() - a.getRed()) * u),
                Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * u),
                Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * u));
    }

    private static Color darker(Color c, float factor) {
        return new Color(Math.round(c.getRed() * factor), Math.round(c.getGreen() * factor),
                Math.round(c.getBlue() * factor));
    }
}
