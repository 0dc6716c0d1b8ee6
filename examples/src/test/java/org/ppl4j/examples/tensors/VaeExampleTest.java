package org.ppl4j.examples.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * examples/vae/vae.ppl on the shipped Fashion-MNIST subset (examples/vae/data: 1024 training and 256 test images):
 * 3 epochs of 8 minibatches. A decoder that has learned nothing (logits 0) scores 784 log 2 = 543.4 nats per
 * image, and the ELBO at the initial weights is near or below that; the trained VAE must beat it on the held-out
 * images, and its training ELBO must rise from the first epoch to the last. Full-data quality (test ELBO per
 * image at or above -136 after 5 epochs) is a benchmark, in docs/performance.md.
 */
class VaeExampleTest {
    static final Path ROOT = Path.of(System.getProperty("ppl.examples", "examples")).toAbsolutePath().getParent();
    static final double UNIFORM_PIXELS = -784 * Math.log(2);

    @Test
    void trainsOnTheShippedSubsetAndBeatsUniformPixelsOnHeldOutImages() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PplOptions options = PplOptions.defaults().withAllowedPath(ROOT.resolve("examples/vae/data")).withOutput(out)
                .withArgument("data", ROOT.resolve("examples/vae/data").toString())
                .withArgument("train", "1024").withArgument("test", "256").withArgument("epochs", "3");
        try (PplProgram p = Ppl.compile(ROOT.resolve("examples/vae/vae.ppl"), options)) {
            p.run();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        List<Double> epochs = new ArrayList<>();
        Matcher m = Pattern.compile("epoch (\\d+) train ELBO per data point: (\\S+)").matcher(text);
        while (m.find()) {
            epochs.add(Double.parseDouble(m.group(2)));
        }
        assertEquals(3, epochs.size(), text);
        assertTrue(epochs.get(2) > epochs.get(0), "the training ELBO rises: " + epochs);
        Matcher t = Pattern.compile("test ELBO per data point: (\\S+)").matcher(text);
        assertTrue(t.find(), text);
        double test = Double.parseDouble(t.group(1));
        assertTrue(Double.isFinite(test) && test > UNIFORM_PIXELS, "test ELBO " + test + " vs " + UNIFORM_PIXELS);
    }
}
