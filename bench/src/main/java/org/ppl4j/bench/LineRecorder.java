package org.ppl4j.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A program's output, line by line, each with the process's resident memory at the moment it was printed. */
final class LineRecorder extends OutputStream {
    record Line(String text, long rss) {
    }

    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private final List<Line> lines = new ArrayList<>();
    private final String echoPrefix;

    /** {@code echoPrefix}: pass each line on to standard error with this prefix; null to keep quiet. */
    LineRecorder(String echoPrefix) {
        this.echoPrefix = echoPrefix;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            String text = current.toString(StandardCharsets.UTF_8);
            current.reset();
            lines.add(new Line(text, ProcessInfo.rss()));
            if (echoPrefix != null) {
                System.err.println(echoPrefix + text);
            }
        } else {
            current.write(b);
        }
    }

    synchronized List<Line> lines() {
        return List.copyOf(lines);
    }
}
