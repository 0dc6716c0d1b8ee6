package org.ppl4j.runtime;

import com.oracle.truffle.api.TruffleFile;

/**
 * The one way ppl4j code reaches a file: through the context's Truffle file system, so that whoever
 * built the context decides what a program may touch. The {@code ppl} command gives programs its working
 * directory and what {@code --allow-path} adds; an embedder gives them nothing unless it allows paths
 * ({@code PplOptions.withAllowedPath}, or the polyglot Context's {@code IOAccess}).
 */
public final class PplFiles {
    /** The words every refusal of a path contains, whichever file system refused it. */
    public static final String NOT_ALLOWED_MARK = "access to";

    private PplFiles() {
    }

    /**
     * The file {@code path} names (relative paths against the working directory), checked against the
     * sandbox now, so that a refusal is reported as {@code who: access to PATH is not allowed: why}.
     *
     * @throws IllegalArgumentException the refusal, when the context may not touch {@code path}
     */
    public static TruffleFile file(PplContext context, String who, String path) {
        try {
            TruffleFile f = context.env().getPublicTruffleFile(path);
            f.exists();
            return f;
        } catch (SecurityException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(refusal(who, path, e), e);
        }
    }

    /**
     * The message of a refusal of {@code path} by the context's file system: the sandbox's own words when
     * it is the one of the {@code ppl} command or the embedding API, else (a context that allows no I/O)
     * what an embedder can do about it.
     */
    public static String refusal(String who, String path, RuntimeException e) {
        String m = e.getMessage();
        if (e instanceof SecurityException && m != null && m.startsWith(NOT_ALLOWED_MARK + " ")
                && m.contains(" is not allowed: ")) {
            return who + ": " + m;
        }
        return who + ": " + NOT_ALLOWED_MARK + " " + path + " is not allowed: this context allows no file access"
                + " (an embedder allows directories with PplOptions.withAllowedPath(dir), or with the IOAccess of"
                + " the polyglot Context)";
    }
}
