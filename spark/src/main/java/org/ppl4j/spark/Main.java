package org.ppl4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.ppl4j.embed.FitResult;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * {@code spark-submit --class org.ppl4j.spark.Main ppl4j-spark-VERSION-all.jar FILE --data [NAME=]PATH
 * [--partitions N] [--seed N] [--resume DIR] [--save FILE] [--allow-path DIR]... [--blocks G] [--local-steps H]}
 * and {@code ./ppl run FILE --spark MASTER --data PATH}: runs the program on the driver with its minibatch fit
 * data-parallel over the CSV or Parquet data at PATH, bound to the name NAME ({@code d} when not given), read in N
 * partitions (Spark's own cut of the files when not given: the result is the same bits for any N), and prints the
 * fit's parameters. Exit codes as {@code ppl run}'s: 64 for a
 * bad command line, 65 for an error in the program, 66 for an unreadable file, 70 when Spark fails (a job
 * that failed for good, data it cannot read).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String file = null;
        String data = null;
        String master = null;
        int partitions = 0;
        Path save = null;
        int blocks = SparkFit.DEFAULT_BLOCKS;
        int localSteps = 1;
        PplOptions options = PplOptions.defaults();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--data" -> data = value(args, ++i, a);
                    case "--spark" -> master = value(args, ++i, a);
                    case "--partitions" -> partitions = Integer.parseInt(value(args, ++i, a));
                    case "--seed" -> options = options.withSeed(Long.parseLong(value(args, ++i, a)));
                    case "--resume" -> {
                        Path dir = Path.of(value(args, ++i, a));
                        options = options.withResume(dir).withAllowedPath(dir);
                    }
                    case "--save" -> save = Path.of(value(args, ++i, a));
                    case "--allow-path" -> options = options.withAllowedPath(Path.of(value(args, ++i, a)));
                    case "--float64" -> options = options.withFloat64(true);
                    case "--blocks" -> blocks = positive(value(args, ++i, a), a);
                    case "--local-steps" -> localSteps = positive(value(args, ++i, a), a);
                    default -> {
                        if (a.startsWith("-") || file != null) {
                            throw new IllegalArgumentException("unknown option '" + a + "'");
                        }
                        file = a;
                    }
                }
            }
            if (partitions < 0) {
                throw new IllegalArgumentException("--partitions must be 0 (Spark's own) or more");
            }
            if (file == null || data == null) {
                throw new IllegalArgumentException("give a program FILE and --data [NAME=]PATH");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ppl spark: " + e.getMessage() + "\nusage: FILE --data [NAME=]PATH [--partitions N] "
                    + "[--spark MASTER] [--seed N] [--resume DIR] [--save FILE] [--allow-path DIR]... [--float64] "
                    + "[--blocks G] [--local-steps H]");
            return 64;
        }
        String source;
        try {
            source = Files.readString(Path.of(file));
        } catch (IOException e) {
            System.err.println("ppl spark: cannot read " + file + ": " + e.getMessage());
            return 66;
        }
        int eq = data.indexOf('=');
        String name = eq > 0 && data.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*") ? data.substring(0, eq) : "d";
        String path = eq > 0 && name.equals(data.substring(0, eq)) ? data.substring(eq + 1) : data;
        SparkSession.Builder builder = SparkSession.builder().appName("ppl4j " + Path.of(file).getFileName());
        if (master != null) {
            builder = builder.master(master).config("spark.ui.enabled", "false");
        }
        boolean own = SparkSession.getActiveSession().isEmpty();
        SparkSession spark = builder.getOrCreate();
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows;
        try {
            rows = SparkFit.read(spark, path, partitions);
        } catch (Exception e) { // Spark's AnalysisException (a path that does not exist): checked, thrown undeclared
            System.err.println("ppl spark: cannot read the data " + path + ": " + e.getMessage());
            if (own) {
                spark.stop();
            }
            return 66;
        }
        try (PplProgram program = SparkFit.of(source, file, name, rows).options(options).blocks(blocks)
                .localSteps(localSteps).run()) {
            FitResult fit = program.lastFit();
            for (Map.Entry<String, Object> e : fit.params().entrySet()) {
                System.out.println(e.getKey() + " = " + format(e.getValue()));
            }
            if (save != null) {
                program.saveLastFit(save);
            }
            return 0;
        } catch (PplException e) {
            System.err.println(e.getMessage());
            return 65;
        } catch (IOException e) {
            System.err.println("ppl spark: cannot write " + save + ": " + e.getMessage());
            return 66;
        } catch (Exception e) { // Spark's: a job that failed for good, data it cannot parse (some of them checked)
            System.err.println("ppl spark: " + e.getMessage());
            return 70;
        } finally {
            if (own) {
                spark.stop();
            }
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String option) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(option + " needs a whole number of at least 1, got '" + v + "'");
    }

    private static String format(Object v) {
        return v instanceof double[] a ? java.util.Arrays.toString(a) : String.valueOf(v);
    }
}
