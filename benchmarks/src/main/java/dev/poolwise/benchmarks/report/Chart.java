package dev.poolwise.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

import dev.poolwise.benchmarks.harness.Clients;
import dev.poolwise.benchmarks.harness.TrialResult;
import dev.poolwise.benchmarks.harness.Variant;

/**
 * Throughput and p99 latency against client count for each variant, side by side on log scales (the
 * unpooled client is two orders of magnitude below the others), drawn with Java2D so the benchmark needs
 * nothing but the JDK.
 */
public final class Chart {

	private static final int PANEL_WIDTH = 600;

	private static final int HEIGHT = 460;

	private static final int LEFT = 80;

	private static final int TOP = 70;

	private static final int BOTTOM = 60;

	private static final int RIGHT = 30;

	private static final Map<Variant, Color> COLORS = Map.of(Variant.UNPOOLED, new Color(0x9E9E9E), Variant.BOOT,
			new Color(0x1F77B4), Variant.HAND_TUNED, new Color(0xFF7F0E), Variant.POOLWISE,
			new Color(0x2CA02C), Variant.PGBENCH, new Color(0xD62728));

	private Chart() {
	}

	public static void write(Path file, Results results, List<Clients> clients) throws IOException {
		BufferedImage image = new BufferedImage(PANEL_WIDTH * 2, HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D graphics = image.createGraphics();
		graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		graphics.setColor(Color.WHITE);
		graphics.fillRect(0, 0, image.getWidth(), image.getHeight());
		panel(graphics, 0, "Throughput (operations/s, higher is better)", results, clients, TrialResult::throughput);
		panel(graphics, PANEL_WIDTH, "p99 latency (ms, lower is better)", results, clients, TrialResult::p99);
		legend(graphics);
		graphics.dispose();
		ImageIO.write(image, "png", file.toFile());
	}

	private static void panel(Graphics2D graphics, int x0, String title, Results results, List<Clients> clients,
			ToDoubleFunction<TrialResult> measure) {
		int width = PANEL_WIDTH - LEFT - RIGHT;
		int height = HEIGHT - TOP - BOTTOM;
		int left = x0 + LEFT;
		graphics.setStroke(new BasicStroke(1f));
		double[] range = range(results, clients, measure);
		graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
		graphics.setColor(Color.BLACK);
		graphics.drawString(title, left, TOP - 15);
		graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		for (double decade = range[0]; decade <= range[1]; decade++) {
			int y = y(decade, range, height);
			graphics.setColor(new Color(0xE0E0E0));
			graphics.drawLine(left, y, left + width, y);
			graphics.setColor(Color.DARK_GRAY);
			String label = format(Math.pow(10, decade));
			graphics.drawString(label, left - 8 - graphics.getFontMetrics().stringWidth(label), y + 4);
		}
		graphics.setColor(Color.BLACK);
		graphics.drawRect(left, TOP, width, height);
		for (int i = 0; i < clients.size(); i++) {
			String label = clients.get(i).label();
			graphics.drawString(label, x(i, clients.size(), left, width) - graphics.getFontMetrics().stringWidth(label) / 2,
					TOP + height + 20);
		}
		graphics.drawString("clients", left + width / 2 - 20, TOP + height + 42);
		graphics.setStroke(new BasicStroke(2.5f));
		for (Variant variant : Variant.values()) {
			graphics.setColor(COLORS.get(variant));
			int previousX = -1;
			int previousY = -1;
			for (int i = 0; i < clients.size(); i++) {
				if (!results.has(variant, clients.get(i))) {
					previousX = -1;
					continue;
				}
				int x = x(i, clients.size(), left, width);
				int y = y(Math.log10(results.median(variant, clients.get(i), measure)), range, height);
				graphics.fillOval(x - 5, y - 5, 10, 10);
				if (previousX >= 0) {
					graphics.drawLine(previousX, previousY, x, y);
				}
				previousX = x;
				previousY = y;
			}
		}
	}

	private static void legend(Graphics2D graphics) {
		graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
		int x = LEFT;
		for (Variant variant : Variant.values()) {
			graphics.setColor(COLORS.get(variant));
			graphics.fillRect(x, 18, 24, 10);
			graphics.setColor(Color.BLACK);
			graphics.drawString(variant.label(), x + 30, 28);
			x += 36 + graphics.getFontMetrics().stringWidth(variant.label());
		}
	}

	/** Whole decades around every median of the measure. */
	private static double[] range(Results results, List<Clients> clients, ToDoubleFunction<TrialResult> measure) {
		double low = Double.MAX_VALUE;
		double high = -Double.MAX_VALUE;
		for (Variant variant : Variant.values()) {
			for (Clients count : clients) {
				if (results.has(variant, count)) {
					double value = Math.log10(results.median(variant, count, measure));
					low = Math.min(low, value);
					high = Math.max(high, value);
				}
			}
		}
		return new double[] { Math.floor(low), Math.max(Math.ceil(high), Math.floor(low) + 1) };
	}

	private static int x(int index, int count, int left, int width) {
		return left + (int) ((index + 0.5) * width / count);
	}

	private static int y(double log, double[] range, int height) {
		return TOP + height - (int) ((log - range[0]) / (range[1] - range[0]) * height);
	}

	private static String format(double value) {
		return (value >= 1) ? String.format("%,.0f", value) : String.valueOf(value);
	}

}
