package org.ppl4j.examples.ssvae;

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
 * examples/ssvae/ssvae.ppl (the M2 semi-supervised VAE, y enumerated per image for the unlabelled images) on the
 * shipped Fashion-MNIST subset: 300 labelled and 724 unlabelled training images, 3 epochs of 8 minibatches of 100
 * + 100, hidden layers of 64, seed 1, tested on the 256 shipped test images. Chance is 10% accuracy (the classes
 * are balanced); with 256 test images a classifier at chance scores above 20% with probability below 1e-5
 * (binomial tail, a z-score of 5.3), so 25% is a margin no untrained classifier reaches. The objective per image
 * must also rise from the first epoch to the last. Full-data figures are in examples/ssvae/README.md.
 */
class SsvaeExampleTest {
    static final Path ROOT = Path.of(System.getProperty("ppl.examples", "examples")).toAbsolutePath().getParent();

    @Test
    void enumeratedLabelsTrainAClassifierWellAboveChance() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PplOptions options = PplOptions.defaults().withAllowedPath(ROOT.resolve("examples/vae/data")).withOutput(out)
                .withArgument("data", ROOT.resolve("examples/vae/data").toString())
                .withArgument("train", "1024").withArgument("labelled", "300").withArgument("test", "256")
                .withArgument("hidden", "64").withArgument("epochs", "3").withArgument("seed", "1");
        try (PplProgram p = Ppl.compile(ROOT.resolve("examples/ssvae/ssvae.ppl"), options)) {
            p.run();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        List<Double> epochs = new ArrayList<>();
        Matcher m = Pattern.compile("epoch (\\d+) objective per image: (\\S+)").matcher(text);
        while (m.find()) {
            epochs.add(Double.parseDouble(m.group(2)));
        }
        assertEquals(3, epochs.size(), text);
        assertTrue(epochs.get(2) > epochs.get(0), "the objective rises: " + epochs);
        assertTrue(text.contains("y by enum:"), text);
        Matcher a = Pattern.compile("test accuracy: (\\S+) on 256 test images").matcher(text);
        assertTrue(a.find(), text);
        double accuracy = Double.parseDouble(a.group(1));
        assertTrue(accuracy > 0.25, "test accuracy " + accuracy + " should beat chance (0.1) by a wide margin");
    }
}
