package dev.fleet.orchestrator.domain.console;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders {@link TokensPerDay} as a server-side SVG stacked bar chart: one bar per day, one colour per
 * meter and model series (stacked in the order of {@link TokensPerDay#series()}), a y axis with four
 * rounded ticks, day labels on the x axis (thinned so they never overlap), and a legend. Accessible:
 * {@code role="img"} labelled by its {@code <title>} and described by a {@code <desc>} that states the
 * range, the total and the busiest day in words; every bar segment has its own {@code <title>} (a
 * tooltip and a screen-reader label). Every text is XML-escaped. A pure function: same data, same SVG.
 * <p>
 * Limits: ten distinct colours, then they repeat (the legend still tells the series apart by name);
 * sized for up to about 90 days.
 */
public final class TokensPerDayChart {

    static final int WIDTH = 760;
    static final int PLOT_LEFT = 64;
    static final int PLOT_TOP = 40;
    static final int PLOT_RIGHT = 16;
    static final int PLOT_HEIGHT = 220;
    static final int LEGEND_ROW = 18;
    /** Okabe-Ito's colour-blind-safe palette, then four more distinct hues. */
    static final List<String> PALETTE = List.of("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
            "#F0E442", "#000000", "#7F3C8D", "#8C564B");

    private TokensPerDayChart() {
    }

    /** The colour of the {@code index}-th series. */
    public static String colour(int index) {
        return PALETTE.get(index % PALETTE.size());
    }

    /** The chart of {@code data}, titled {@code title}. */
    public static String svg(TokensPerDay data, String title) {
        List<UsageSeries> series = data.series();
        List<TokensPerDay.Day> days = data.days();
        String id = "tpd-" + Integer.toHexString(Objects.hash(data.tenantId(), data.from(), data.to()));
        int plotWidth = WIDTH - PLOT_LEFT - PLOT_RIGHT;
        int legendTop = PLOT_TOP + PLOT_HEIGHT + 40;
        int height = legendTop + Math.max(1, series.size()) * LEGEND_ROW + 8;
        long max = days.stream().mapToLong(TokensPerDay.Day::total).max().orElse(0);
        long axisMax = niceCeiling(max);

        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" role=\"img\" aria-labelledby=\"").append(id).append("-title\" aria-describedby=\"")
                .append(id).append("-desc\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.append("<title id=\"").append(id).append("-title\">").append(escape(title)).append("</title>\n");
        svg.append("<desc id=\"").append(id).append("-desc\">").append(escape(describe(data, series)))
                .append("</desc>\n");
        svg.append("<text x=\"").append(PLOT_LEFT).append("\" y=\"20\" font-size=\"14\" font-weight=\"bold\">")
                .append(escape(title)).append("</text>\n");

        // y axis: line, four ticks and their grid lines, label
        int bottom = PLOT_TOP + PLOT_HEIGHT;
        svg.append("<g class=\"y-axis\" aria-hidden=\"true\">\n");
        svg.append(line(PLOT_LEFT, PLOT_TOP, PLOT_LEFT, bottom, "#333"));
        for (int tick = 0; tick <= 4; tick++) {
            long value = axisMax * tick / 4;
            int y = bottom - (int) Math.round((double) PLOT_HEIGHT * tick / 4);
            svg.append(line(PLOT_LEFT - 4, y, PLOT_LEFT + plotWidth, y, tick == 0 ? "#333" : "#ddd"));
            svg.append("<text x=\"").append(PLOT_LEFT - 6).append("\" y=\"").append(y + 4)
                    .append("\" text-anchor=\"end\">").append(compact(value)).append("</text>\n");
        }
        svg.append("<text transform=\"translate(14 ").append(PLOT_TOP + PLOT_HEIGHT / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\">tokens</text>\n");
        svg.append("</g>\n");

        // bars, stacked per day in series order
        double slot = days.isEmpty() ? plotWidth : (double) plotWidth / days.size();
        double barWidth = Math.max(1, slot * 0.7);
        svg.append("<g class=\"bars\">\n");
        for (int d = 0; d < days.size(); d++) {
            TokensPerDay.Day day = days.get(d);
            double x = PLOT_LEFT + d * slot + (slot - barWidth) / 2;
            double top = bottom;
            for (int s = 0; s < series.size(); s++) {
                long quantity = day.quantity(series.get(s));
                if (quantity == 0) {
                    continue;
                }
                double h = axisMax == 0 ? 0 : (double) PLOT_HEIGHT * quantity / axisMax;
                top -= h;
                svg.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(top)).append("\" width=\"")
                        .append(num(barWidth)).append("\" height=\"").append(num(h)).append("\" fill=\"")
                        .append(colour(s)).append("\"><title>").append(day.date()).append(' ')
                        .append(escape(series.get(s).label())).append(": ").append(grouped(quantity))
                        .append("</title></rect>\n");
            }
        }
        svg.append("</g>\n");

        // x axis: day labels, every n-th so that they do not overlap (a label needs about 44 px)
        int every = Math.max(1, (int) Math.ceil(44 / slot));
        svg.append("<g class=\"x-axis\" aria-hidden=\"true\">\n");
        for (int d = 0; d < days.size(); d += every) {
            double x = PLOT_LEFT + d * slot + slot / 2;
            svg.append("<text x=\"").append(num(x)).append("\" y=\"").append(bottom + 16)
                    .append("\" text-anchor=\"middle\">").append(shortDate(days.get(d).date())).append("</text>\n");
        }
        svg.append("<text x=\"").append(PLOT_LEFT + plotWidth / 2).append("\" y=\"").append(bottom + 32)
                .append("\" text-anchor=\"middle\">day (UTC)</text>\n");
        svg.append("</g>\n");

        // legend
        svg.append("<g class=\"legend\">\n");
        if (series.isEmpty()) {
            svg.append("<text x=\"").append(PLOT_LEFT).append("\" y=\"").append(legendTop + 12)
                    .append("\">No usage in this range.</text>\n");
        }
        for (int s = 0; s < series.size(); s++) {
            int y = legendTop + s * LEGEND_ROW;
            svg.append("<rect x=\"").append(PLOT_LEFT).append("\" y=\"").append(y).append("\" width=\"12\" height=\"12\" fill=\"")
                    .append(colour(s)).append("\"/>");
            svg.append("<text x=\"").append(PLOT_LEFT + 18).append("\" y=\"").append(y + 10).append("\">")
                    .append(escape(series.get(s).label())).append("</text>\n");
        }
        svg.append("</g>\n</svg>\n");
        return svg.toString();
    }

    /** The {@code <desc>}: the range, the total per series and the busiest day, in words. */
    static String describe(TokensPerDay data, List<UsageSeries> series) {
        if (data.days().isEmpty()) {
            return "Bar chart of tokens per day: no days in the range.";
        }
        StringBuilder desc = new StringBuilder("Bar chart of tokens per day from ").append(data.from())
                .append(" to ").append(data.to().minusDays(1)).append(" (UTC). ");
        if (series.isEmpty()) {
            return desc.append("No usage in this range.").toString();
        }
        long total = data.days().stream().mapToLong(TokensPerDay.Day::total).sum();
        desc.append("Total ").append(grouped(total)).append(" tokens");
        for (int s = 0; s < series.size(); s++) {
            UsageSeries one = series.get(s);
            long sum = data.days().stream().mapToLong(day -> day.quantity(one)).sum();
            desc.append(s == 0 ? ": " : "; ").append(one.label()).append(' ').append(grouped(sum));
        }
        TokensPerDay.Day busiest = data.days().stream()
                .max(java.util.Comparator.comparingLong(TokensPerDay.Day::total)).orElseThrow();
        return desc.append(". Busiest day ").append(busiest.date()).append(" with ").append(grouped(busiest.total()))
                .append(" tokens.").toString();
    }

    /**
     * The top of the y axis: four times the smallest step of 1, 2 or 5 times a power of ten that makes
     * four steps reach {@code max}, so every tick is a round whole number (an empty chart gets 0..4).
     */
    static long niceCeiling(long max) {
        long needed = Math.max(1, (max + 3) / 4);
        long power = 1;
        while (true) {
            for (long multiple : new long[] {1, 2, 5}) {
                if (power * multiple >= needed) {
                    return 4 * power * multiple;
                }
            }
            power *= 10;
        }
    }

    static String compact(long value) {
        if (value >= 1_000_000_000L) {
            return trim(value / 1e9) + "G";
        }
        if (value >= 1_000_000L) {
            return trim(value / 1e6) + "M";
        }
        if (value >= 10_000L) {
            return trim(value / 1e3) + "k";
        }
        return Long.toString(value);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    private static String grouped(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String shortDate(LocalDate date) {
        return String.format(Locale.ROOT, "%02d-%02d", date.getMonthValue(), date.getDayOfMonth());
    }

    private static String line(int x1, int y1, int x2, int y2, String stroke) {
        return "<line x1=\"" + x1 + "\" y1=\"" + y1 + "\" x2=\"" + x2 + "\" y2=\"" + y2 + "\" stroke=\"" + stroke
                + "\"/>\n";
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** XML text and attribute escaping. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        out.append('\uFFFD'); // not allowed in XML 1.0
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
