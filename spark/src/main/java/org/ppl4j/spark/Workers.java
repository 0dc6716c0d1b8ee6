package org.ppl4j.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.stdlib.builtins.DataParallel;
import org.ppl4j.stdlib.builtins.DataParallelWorker;

/**
 * The compiled copies of data-parallel programs in this JVM, by {@link Spec#key}: each is compiled once, run up to its
 * fit (where it hands over its {@link DataParallelWorker}) and kept for every later step. A task borrows a copy
 * and gives it back; concurrent tasks of one executor get copies of their own, so that a context is used by one
 * thread at a time.
 */
final class Workers {
    private static final Map<String, ConcurrentLinkedDeque<Compiled>> IDLE = new ConcurrentHashMap<>();

    private Workers() {
    }

    /** A program and the worker its fit handed over. */
    record Compiled(PplProgram program, DataParallelWorker worker) {
    }

    /** The step's (round's) sum over {@code block}'s rows, computed by a copy of the program of {@code spec}. */
    static DataParallelWorker.Sum gradient(Spec spec, DataParallelWorker.Params params, int step, Block block) {
        ConcurrentLinkedDeque<Compiled> idle = IDLE.computeIfAbsent(spec.key, k -> new ConcurrentLinkedDeque<>());
        Compiled c = idle.pollFirst();
        if (c == null) {
            c = compile(spec);
        }
        try {
            Compiled used = c;
            return c.program().within(() -> used.worker().gradient(params, step, spec.localSteps, block.first,
                    block.columns, zeroWidths(block)));
        } finally {
            idle.addFirst(c);
        }
    }

    private static Map<String, Integer> zeroWidths(Block block) {
        Map<String, Integer> w = new java.util.HashMap<>();
        block.columns.keySet().forEach(k -> w.put(k, 0));
        return w;
    }

    /** Compiles the program and runs it until its fit hands over its worker. */
    static Compiled compile(Spec spec) {
        PplOptions options = PplOptions.defaults().withSeed(spec.seed).withFloat64(spec.float64)
                .withData(spec.dataName, spec.head);
        PplProgram program = Ppl.compile(spec.source, spec.fileName, options);
        DataParallelWorker[] captured = {null};
        program.within(() -> {
            PplContext.get(null).setDataParallel(new DataParallel() {
                @Override
                public long rows() {
                    return spec.rows;
                }

                @Override
                public boolean executor() {
                    return true;
                }

                @Override
                public void captured(DataParallelWorker worker) {
                    captured[0] = worker;
                }

                @Override
                public DataParallelWorker.Sum step(int step, DataParallelWorker.Params params) {
                    throw new IllegalStateException("an executor's program takes no steps");
                }
            });
            return null;
        });
        try {
            program.run();
        } catch (PplException e) {
            if (captured[0] == null) {
                program.close();
                throw e;
            }
        }
        if (captured[0] == null) {
            program.close();
            throw new IllegalStateException(spec.fileName + " ran to its end without a minibatch fit(..., data: "
                    + spec.dataName + ", batch: B): nothing to run on Spark");
        }
        return new Compiled(program, captured[0]);
    }
}
