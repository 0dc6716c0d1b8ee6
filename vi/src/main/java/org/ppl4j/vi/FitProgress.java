package org.ppl4j.vi;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressState;

/**
 * A progress bar for a fit, drawn on one line of a terminal with me.tongfei:progressbar: the step, the rate
 * in steps per second, the time left and the objective (the mean over the last {@value #WINDOW} steps, which is
 * steadier than one step's value):
 *
 * <pre>
 * fit elbo  45% ██████████▉             900/2000  312 steps/s  0:03 left  objective -6.12
 * </pre>
 *
 * It redraws from its own thread ten times a second with a carriage return before the line, so it belongs on
 * a terminal: callers show it only when standard error is one. {@link #onEnd()} draws the last state and ends
 * the line. On a narrow terminal the bar shrinks first, then goes.
 */
public final class FitProgress implements FitListener {
    static final int WINDOW = 100;
    private static final long MESSAGE_INTERVAL_NANOS = 100_000_000L;

    private final ProgressBar bar;
    private final Line line;
    private long lastMessage;
    private boolean closed;

    /**
     * @param err where to draw (standard error)
     * @param columns the terminal's width
     * @param task the name at the start of the line
     * @param steps the steps of the whole fit
     * @param completed steps already done (a resumed fit)
     */
    public FitProgress(PrintStream err, int columns, String task, int steps, int completed) {
        line = new Line(err, Math.max(20, columns) - 1);
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(steps).setConsumer(line)
                .setRenderer(FitProgress::render).setUpdateIntervalMillis(100)
                .startsFrom(completed, Duration.ZERO).build();
    }

    @Override
    public void onStep(int step, double objective) {
        bar.stepTo(step);
    }

    @Override
    public void onStep(FitState state) {
        bar.stepTo(state.step());
        long now = System.nanoTime();
        if (now - lastMessage >= MESSAGE_INTERVAL_NANOS || state.step() == state.steps()) {
            lastMessage = now;
            bar.setExtraMessage("objective " + Fit.format(recentMean(state)));
        }
    }

    private static double recentMean(FitState state) {
        double[] h = state.history();
        int n = Math.min(WINDOW, h.length);
        double s = 0;
        for (int i = h.length - n; i < h.length; i++) {
            s += h[i];
        }
        return s / n;
    }

    @Override
    public void onEnd() {
        if (!closed) {
            closed = true;
            if (org.ppl4j.runtime.ad.HandOver.requested()) {
                // the fit goes on in another JVM, which draws its own bar on this line: leave it empty
                line.erase();
            }
            bar.close();
            line.end();
        }
    }

    /** The library's console line; ends the line itself when the library did not (a fit shorter than a redraw). */
    private static final class Line extends ConsoleProgressBarConsumer {
        private boolean ended;

        private final PrintStream out;
        private final int width;

        Line(PrintStream out, int width) {
            super(out, width);
            this.out = out;
            this.width = width;
        }

        @Override
        public synchronized void accept(String rendered) {
            if (!ended) {
                super.accept(rendered);
            }
        }

        @Override
        public synchronized void close() {
            if (!ended) {
                ended = true;
                super.close();
            }
        }

        /** Blanks the line and draws nothing more on it. */
        synchronized void erase() {
            if (!ended) {
                ended = true;
                out.print("\r" + " ".repeat(width) + "\r");
                out.flush();
            }
        }

        synchronized void end() {
            close();
        }
    }

    /** One line of at most {@code width} characters. */
    static String render(ProgressState p, int width) {
        return line(p.getTaskName(), p.getCurrent(), p.getMax(), p.getStart(), p.getElapsedAfterStart().toNanos(),
                p.getExtraMessage(), width);
    }

    static String line(String task, long current, long max, long start, long nanos, String message, int width) {
        int percent = max <= 0 ? 100 : (int) Math.floor(100.0 * current / max);
        String prefix = task + " " + String.format(Locale.ROOT, "%3d%%", percent) + " ";
        String count = String.format(Locale.ROOT, "%" + Long.toString(max).length() + "d/%d", current, max);
        double seconds = nanos / 1e9;
        long done = current - start;
        String rate = seconds > 0.2 && done > 0 ? formatRate(done / seconds) + " steps/s" : "";
        String left = seconds > 0.2 && done > 0 && current < max
                ? clock((max - current) * seconds / done) + " left"
                : current >= max ? clock(seconds) + " taken" : "";
        StringBuilder suffix = new StringBuilder(" ").append(count);
        for (String part : new String[] {rate, left, message == null ? "" : message}) {
            if (!part.isEmpty()) {
                suffix.append("  ").append(part);
            }
        }
        int barWidth = Math.min(30, width - prefix.length() - suffix.length());
        if (barWidth < 5) {
            String s = prefix + suffix.toString().trim();
            return s.length() <= width ? s : s.substring(0, Math.max(0, width));
        }
        return prefix + bar(current, max, barWidth) + suffix;
    }

    private static final String EIGHTHS = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589";

    /** Unicode blocks in eighths of a character. */
    static String bar(long current, long max, int width) {
        double fraction = max <= 0 ? 1 : Math.min(1, Math.max(0, (double) current / max));
        int eighths = (int) Math.floor(fraction * width * 8);
        int full = eighths / 8;
        StringBuilder sb = new StringBuilder("\u2588".repeat(full));
        if (full < width) {
            sb.append(EIGHTHS.charAt(eighths % 8));
            sb.append(" ".repeat(width - full - 1));
        }
        return sb.toString();
    }

    static String formatRate(double perSecond) {
        return perSecond >= 100 ? String.format(Locale.ROOT, "%.0f", perSecond)
                : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    /** 0:07, 12:34, 1:02:03. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
