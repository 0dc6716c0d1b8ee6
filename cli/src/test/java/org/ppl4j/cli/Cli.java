package org.ppl4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A command line run through the launcher's entry point, with what it printed. */
record Cli(int code, String out, String err) {
    /**
     * The launcher in a JVM of its own (for signals and JVM-wide settings), with this test run's class path, in
     * {@code dir}, its output going to {@code dir/out.txt} and {@code dir/err.txt}.
     */
    static Process launch(java.nio.file.Path dir, java.util.List<String> jvmArgs, String... args)
            throws java.io.IOException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss16m",
                "-Dpolyglot.engine.WarnInterpreterOnly=false", "-Dpolyglot.ppl.WarnInterpreted=false"));
        cmd.addAll(jvmArgs);
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), "org.ppl4j.cli.Main"));
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
    }

    static Cli run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(args, o, e);
        }
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
