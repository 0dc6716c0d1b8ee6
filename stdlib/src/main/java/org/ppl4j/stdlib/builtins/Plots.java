package org.ppl4j.stdlib.builtins;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ppl4j.vi.Summary;

/**
 * The charts of a fit, as PNG bytes (XChart, drawn without a display: java.awt.headless is set unless the
 * application has set it).
 */
final class Plots {
    /** Histograms drawn at most per fit (the first latents in the guide's order). */
    static final int MAX_LATENT_PLOTS = 100;
    static final int WIDTH = 800;
    static final int HEIGHT = 500;
    /** The raw objective is drawn with at most this many points (every k-th step beyond). */
    static final int MAX_POINTS = 4000;

    private static final Color RAW = new Color(0x9ab8d8);
    private static final Color MEAN = new Color(0x1f4e8c);
    private static final Color BARS = new Color(0x6f9fd8);
    private static final Color MARK = new Color(0xc0392b);
    private static final Color INTERVAL = new Color(0x555555);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Plots() {
    }

    /** The objective per step (thin) and its running mean over the last 100 steps (thick), against the step. */
    static byte[] objective(String name, double[] history) {
        XYChart chart = chart(name + " per step", "step", name);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        int n = history.length;
        if (n == 0) {
            chart.setTitle(name + ": no steps were run");
            add(chart, "objective", new double[] {0}, new double[] {0}, RAW, 1f).setShowInLegend(false);
            return png(chart);
        }
        int stride = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        int m = (n + stride - 1) / stride;
        double[] xs = new double[m];
        double[] ys = new double[m];
        for (int i = 0, k = 0; i < n; i += stride, k++) {
            xs[k] = i + 1;
            ys[k] = history[i];
        }
        int window = Math.max(1, Math.min(100, n / 10));
        double[] mean = new double[m];
        double sum = 0;
        double[] running = new double[n];
        for (int i = 0; i < n; i++) {
            sum += history[i];
            if (i >= window) {
                sum -= history[i - window];
            }
            running[i] = sum / Math.min(i + 1, window);
        }
        for (int k = 0; k < m; k++) {
            mean[k] = running[(int) xs[k] - 1];
        }
        add(chart, stride == 1 ? "each step" : "every " + ordinal(stride) + " step", xs, ys, RAW, 1f);
        add(chart, "mean of the last " + window + (window == 1 ? " step" : " steps"), xs, mean, MEAN, 2.5f);
        // the first steps can be far below the rest: show the range the fit spends its time in
        double[] finite = Arrays.stream(history).filter(Double::isFinite).toArray();
        if (finite.length > 0) {
            Arrays.sort(finite); // once, for the three quantiles (a history may have millions of steps)
            double lo = Math.min(Summary.quantileSorted(finite, 0.01), Arrays.stream(running, n / 10, n).min().orElse(0));
            double hi = Math.max(Summary.quantileSorted(finite, 0.999), Arrays.stream(running).max().orElse(0));
            double pad = hi > lo ? 0.05 * (hi - lo) : Math.max(1, Math.abs(hi)) * 0.05;
            chart.getStyler().setYAxisMin(lo - pad).setYAxisMax(hi + pad);
            if (finite[0] < lo - pad) {
                chart.setTitle(name + " per step (the lowest 1% of the values are below the chart)");
            }
        }
        // a margin wider than the spacing of the steps: XChart puts ticks at round numbers only when the values
        // it sees (the data and the axis ends) are not evenly spaced
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(n + Math.max(2.0 * stride, n / 50.0));
        return png(chart);
    }

    /**
     * A histogram of a latent's guide draws (a bar per value when they are all small whole numbers), with the
     * mean and the 5% and 95% quantiles marked.
     */
    static byte[] histogram(String address, double[] draws) {
        XYChart chart = chart(address + " under the fitted guide (" + draws.length + " draws)", address, "density");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        double[] finite = Arrays.stream(draws).filter(Double::isFinite).toArray();
        if (finite.length == 0) {
            chart.setTitle(address + ": no finite draws");
            add(chart, "draws", new double[] {0}, new double[] {0}, BARS, 1f).setShowInLegend(false);
            return png(chart);
        }
        Summary s = Summary.of(finite);
        double[] sorted = finite.clone();
        Arrays.sort(sorted);
        double min = sorted[0];
        double max = sorted[sorted.length - 1];
        boolean discrete = Arrays.stream(finite).allMatch(x -> x == Math.rint(x)) && max - min <= 60;
        double[][] outline;
        double top;
        if (discrete) {
            chart.setYAxisTitle("probability");
            int k = (int) (max - min) + 1;
            double[] p = new double[k];
            for (double x : finite) {
                p[(int) (x - min)] += 1.0 / finite.length;
            }
            outline = outline(min - 0.4, 1, p, 0.8);
            top = Arrays.stream(p).max().orElse(1);
            chart.getStyler().setXAxisMin(min - 1).setXAxisMax(max + 1);
        } else {
            int bins = bins(sorted);
            double lo = min;
            double hi = max > min ? max : min + 1;
            double width = (hi - lo) / bins;
            double[] h = new double[bins];
            for (double x : finite) {
                int b = Math.min(bins - 1, (int) ((x - lo) / width));
                h[b] += 1.0 / (finite.length * width);
            }
            outline = outline(lo, width, h, width);
            top = Arrays.stream(h).max().orElse(1);
        }
        add(chart, String.format(Locale.ROOT, "draws: mean %s, sd %s", FitReport.number(s.mean()),
                FitReport.number(s.sd())), outline[0], outline[1], BARS, 1f)
                .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        vertical(chart, "mean", s.mean(), top, MARK, new BasicStroke(2.5f));
        vertical(chart, "90% interval [" + FitReport.number(s.q05()) + ", " + FitReport.number(s.q95()) + "]",
                s.q05(), top, INTERVAL, dashed());
        vertical(chart, "95%", s.q95(), top, INTERVAL, dashed()).setShowInLegend(false);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(top * 1.08);
        return png(chart);
    }

    /** Freedman-Diaconis bins, between 10 and 60. */
    private static int bins(double[] sorted) {
        int n = sorted.length;
        double iqr = Summary.quantileSorted(sorted, 0.75) - Summary.quantileSorted(sorted, 0.25);
        double range = sorted[n - 1] - sorted[0];
        if (!(iqr > 0) || !(range > 0)) {
            return 10;
        }
        double width = 2 * iqr / Math.cbrt(n);
        return (int) Math.max(10, Math.min(60, Math.ceil(range / width)));
    }

    /** The outline of bars of the given heights, starting at {@code start}, {@code step} apart, each {@code w} wide. */
    private static double[][] outline(double start, double step, double[] heights, double w) {
        int n = heights.length;
        double[] x = new double[4 * n];
        double[] y = new double[4 * n];
        for (int i = 0; i < n; i++) {
            double a = start + i * step;
            double b = w == step ? start + (i + 1) * step : a + w; // bars that touch share their edge exactly
            x[4 * i] = a;
            x[4 * i + 1] = a;
            x[4 * i + 2] = b;
            x[4 * i + 3] = b;
            y[4 * i + 1] = heights[i];
            y[4 * i + 2] = heights[i];
        }
        return new double[][] {x, y};
    }

    /**
     * A posterior predictive check: each observed element (in the order of the observations) as a point, with the
     * mean of its replicates and their 5%-95% interval.
     */
    static byte[] predictive(String[] labels, double[] observed, double[] mean, double[] lo, double[] hi, int draws) {
        XYChart chart = chart("observed vs replicated (" + draws + " posterior predictive draws)",
                "observed element (" + labels[0] + (labels.length > 1 ? " ... " + labels[labels.length - 1] : "") + ")",
                "value");
        double[] x = new double[observed.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        add(chart, "replicated 5%", x, lo, RAW, 1.5f).setLineStyle(dashed());
        add(chart, "replicated 95%", x, hi, RAW, 1.5f).setLineStyle(dashed());
        add(chart, "replicated mean", x, mean, MEAN, 2f);
        XYSeries obs = chart.addSeries("observed", x, observed);
        obs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        obs.setMarker(SeriesMarkers.CIRCLE);
        obs.setMarkerColor(MARK);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(x.length + 1.0);
        return png(chart);
    }

    private static BasicStroke dashed() {
        return new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
    }

    private static XYSeries vertical(XYChart chart, String name, double x, double top, Color color, BasicStroke stroke) {
        XYSeries s = add(chart, name, new double[] {x, x}, new double[] {0, top * 1.04}, color, stroke.getLineWidth());
        s.setLineStyle(stroke);
        return s;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y)
                .build();
        Styler st = chart.getStyler();
        chart.getStyler().setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE)
                .setPlotBorderVisible(false).setLegendBorderColor(new Color(0xdddddd))
                .setLegendBackgroundColor(new Color(255, 255, 255, 220)).setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xe6e6e6)).setAxisTickLabelsColor(new Color(0x333333))
                .setLocale(Locale.ROOT);
        chart.getStyler().setYAxisDecimalPattern("#,##0.####");
        chart.getStyler().setChartTitleBoxVisible(false);
        st.setAntiAlias(true);
        return chart;
    }

    private static XYSeries add(XYChart chart, String name, double[] x, double[] y, Color color, float width) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setFillColor(color);
        s.setLineWidth(width);
        return s;
    }

    private static byte[] png(XYChart chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 2nd, 3rd, 4th, 11th, 21st. */
    static String ordinal(int n) {
        int tens = n % 100;
        String suffix = tens >= 11 && tens <= 13 ? "th"
                : switch (n % 10) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
        return n + suffix;
    }

    /** A latent address as part of a file name: {@code theta[0]} becomes {@code theta_0}. */
    static String fileSafe(String address) {
        String s = address.replace("][", "_").replace("[", "_").replace("]", "");
        s = s.replaceAll("[^A-Za-z0-9_.-]", "_");
        return s.isEmpty() ? "_" : s;
    }
}
