package org.ppl4j.stdlib.builtins;

import com.oracle.truffle.api.RootCallTarget;
import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.TruffleFile;
import com.oracle.truffle.api.source.Source;
import com.oracle.truffle.api.source.SourceSection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.PplFiles;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.vi.Checkpoint;
import org.ppl4j.vi.FitListener;
import org.ppl4j.vi.FitState;
import org.ppl4j.vi.Optimizer;
import org.ppl4j.vi.ParamStore;

/**
 * Checkpoints of one fit: {@code fit(..., checkpoint: "dir", every: 500)} writes {@code dir/fitK-stepS.ckpt}
 * (K: the fit's index in the program's run, S: the steps completed) every {@code every} steps and after the
 * last, keeping this run's latest two; ppl.Resume (the command line's {@code --resume DIR}) makes the fit
 * continue from the latest checkpoint in DIR that this fit wrote. Files go through the context's file
 * system ({@link PplFiles}), so its sandbox decides where checkpoints may go.
 */
final class FitCheckpoints {
    static final int DEFAULT_EVERY = 500;
    private static final int KEEP = 2;

    private final PplContext context;
    private final Checkpoint.Identity identity;
    private final TruffleFile dir;
    private final int every;
    private final Deque<TruffleFile> written = new ArrayDeque<>();

    private FitCheckpoints(PplContext context, Checkpoint.Identity identity, TruffleFile dir, int every) {
        this.context = context;
        this.identity = identity;
        this.dir = dir;
        this.every = every;
    }

    /**
     * The checkpoints of the fit now starting (the {@code index}-th of the program's run): written to
     * {@code checkpoint} (a directory name, or null for none) every {@code every} steps (null: 500).
     */
    static FitCheckpoints open(PplContext context, int index, String settings, Object checkpoint, Object every) {
        if (checkpoint != null && !(checkpoint instanceof String)) {
            throw new IllegalArgumentException("fit: 'checkpoint' must be the name of a directory, got "
                    + org.ppl4j.runtime.value.Printer.kind(checkpoint));
        }
        if (checkpoint == null && every != null) {
            throw new IllegalArgumentException("fit: 'every' needs 'checkpoint', the directory to write to");
        }
        int n = every == null ? DEFAULT_EVERY : Args.count("fit", "every", every, 1);
        Source program = programSource();
        Checkpoint.Identity id = new Checkpoint.Identity(program == null ? "<unknown>" : program.getName(),
                program == null ? "" : Checkpoint.sha256(program.getCharacters()), index, settings);
        TruffleFile d = checkpoint == null ? null : PplFiles.file(context, "fit", (String) checkpoint);
        return new FitCheckpoints(context, id, d, n);
    }

    /** The source of the program running this fit: the outermost ppl4j frame's. */
    @SuppressWarnings("deprecation")
    private static Source programSource() {
        Source[] outermost = {null};
        Truffle.getRuntime().iterateFrames(frame -> {
            if (frame.getCallTarget() instanceof RootCallTarget t) {
                SourceSection s = t.getRootNode().getSourceSection();
                if (s != null && s.getSource().hasCharacters()) {
                    outermost[0] = s.getSource();
                }
            }
            return null;
        });
        return outermost[0];
    }

    /**
     * With ppl.Resume set: puts the state of this fit's latest checkpoint there into the store, optimiser,
     * random source and baselines, and returns the objective history up to it; an empty history when there is
     * no checkpoint of this fit. A checkpoint of another program, or of this fit with other settings, is
     * refused with an error that says so.
     */
    double[] resume(ParamStore store, Optimizer optimizer, Rng rng, BaselineStore baselines) {
        String resume = context.resumeDirectory();
        if (resume == null || resume.isEmpty()) {
            return new double[0];
        }
        TruffleFile rdir = PplFiles.file(context, "fit", resume);
        List<TruffleFile> candidates = new ArrayList<>();
        try {
            if (!rdir.isDirectory()) {
                throw new IllegalArgumentException("fit: cannot resume: " + resume + " is not a directory");
            }
            for (TruffleFile f : rdir.list()) {
                if (Checkpoint.stepOf(f.getName(), identity.fit()) >= 0) {
                    candidates.add(f);
                }
            }
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("fit: cannot read the checkpoints in " + resume + ": " + e.getMessage());
        }
        candidates.sort(Comparator.comparingInt((TruffleFile f) -> Checkpoint.stepOf(f.getName(), identity.fit()))
                .reversed());
        String refusal = null;
        for (TruffleFile f : candidates) {
            Checkpoint c;
            try {
                c = Checkpoint.decode(f.readAllBytes());
            } catch (IOException | SecurityException | IllegalArgumentException e) {
                continue; // not a complete checkpoint: take the one before
            }
            String why = mismatch(c.identity(), c.steps());
            if (why != null) {
                refusal = refusal != null ? refusal : "fit: cannot resume from " + join(resume, f.getName()) + ": " + why;
                continue;
            }
            try {
                c.restore(store, optimizer, rng, baselines);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fit: cannot resume from " + join(resume, f.getName()) + ": "
                        + e.getMessage());
            }
            return c.history();
        }
        if (refusal != null) {
            throw new IllegalArgumentException(refusal);
        }
        return new double[0];
    }

    private String mismatch(Checkpoint.Identity saved, int steps) {
        if (!saved.programHash().equals(identity.programHash())) {
            return "it was written by another program (" + saved.program() + ", SHA-256 "
                    + abbreviate(saved.programHash()) + "), not by " + identity.program() + " (SHA-256 "
                    + abbreviate(identity.programHash()) + ")";
        }
        if (!saved.settings().equals(identity.settings())) {
            return "it was written by this fit with other settings (" + saved.settings() + "; now "
                    + identity.settings() + ")";
        }
        return null;
    }

    private static String abbreviate(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "..." : hash;
    }

    private static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    /** A listener that writes the checkpoints, or null when the fit writes none. */
    FitListener writer(BaselineStore baselines, java.util.function.BooleanSupplier stopping) {
        if (dir == null) {
            return null;
        }
        return new FitListener() {
            @Override
            public void onStep(int step, double objective) {
            }

            @Override
            public void onStep(FitState state) {
                if (state.step() % every == 0 || state.step() == state.steps() || stopping.getAsBoolean()) {
                    write(Checkpoint.capture(identity, state, baselines));
                }
            }
        };
    }

    private void write(Checkpoint c) {
        String name = Checkpoint.fileName(identity.fit(), c.step());
        TruffleFile target = dir.resolve(name);
        TruffleFile tmp = dir.resolve("." + name + ".tmp");
        try {
            dir.createDirectories();
            byte[] bytes = c.encode();
            try (SeekableByteChannel ch = tmp.newByteChannel(Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (ch instanceof FileChannel fc) {
                    fc.force(true);
                }
            }
            try {
                tmp.move(target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                tmp.move(target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory();
        } catch (SecurityException e) {
            throw new IllegalArgumentException(PplFiles.refusal("fit", target.getPath(), e), e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("fit: cannot write the checkpoint " + target.getPath() + ": "
                    + e.getMessage());
        }
        written.remove(target);
        written.addLast(target);
        while (written.size() > KEEP) {
            try {
                written.removeFirst().delete();
            } catch (IOException | SecurityException ignored) {
                // an old checkpoint left behind does no harm
            }
        }
    }

    /** Makes the rename durable: force the directory itself where the platform allows it. */
    private void forceDirectory() {
        try (SeekableByteChannel d = dir.newByteChannel(Set.of(StandardOpenOption.READ))) {
            if (d instanceof FileChannel fc) {
                fc.force(true);
            }
        } catch (IOException | SecurityException | UnsupportedOperationException ignored) {
            // not every file system opens directories
        }
    }
}
