package org.ppl4j.bench;

import java.io.OutputStream;
import java.nio.file.Path;
import org.ppl4j.embed.PplOptions;

/** How the harness sets up the ppl programs it runs through the embed API. */
final class Programs {
    private Programs() {
    }

    /**
     * Seed 1, output to {@code out}, and reading of the files under {@code dirs} (the checkout for its examples'
     * data, the Fashion-MNIST folder for the VAE): the one place that says what the programs may read.
     */
    static PplOptions reading(OutputStream out, Path... dirs) {
        PplOptions o = PplOptions.defaults().withSeed(1).withOutput(out).withErrorOutput(out);
        for (Path d : dirs) {
            o = o.withAllowedPath(d.toAbsolutePath());
        }
        return o;
    }
}
