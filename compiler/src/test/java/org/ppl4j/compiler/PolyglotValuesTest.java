package org.ppl4j.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ppl4j values seen through the GraalVM polyglot API only, as any polyglot embedder sees them (issue 15). */
class PolyglotValuesTest {
    private Context context;

    @BeforeEach
    void open() {
        context = Context.create("ppl");
    }

    @AfterEach
    void close() {
        context.close();
    }

    private Value eval(String source) {
        return context.eval("ppl", source);
    }

    @Test
    void aRecordHasItsFieldsAsMembers() {
        Value r = eval("{a: 1.5, b: [1, 2], s: \"x\"}");
        assertTrue(r.hasMembers());
        assertEquals(Set.of("a", "b", "s"), r.getMemberKeys());
        assertEquals(1.5, r.getMember("a").asDouble());
        assertEquals(2, r.getMember("b").getArrayElement(1).asInt());
        assertEquals("x", r.getMember("s").asString());
        assertFalse(r.hasMember("c"));
        assertEquals("{a: 1.5, b: [1, 2], s: \"x\"}", r.toString());
    }

    @Test
    void aChoiceMapHasItsAddressesAsMembers() {
        Value c = eval("choices {p: 0.25, flip: [1, 0]}");
        assertEquals(Set.of("p", "flip"), c.getMemberKeys());
        assertEquals(0.25, c.getMember("p").asDouble());
        assertEquals(0, c.getMember("flip").getArrayElement(1).asDouble());
        assertEquals("choices {p: 0.25, flip: [1, 0]}", c.toString());
    }

    /** A fit's result is a record: its summary fields by name, its parameters as a record of numbers. */
    @Test
    void aFitResultIsARecord() {
        Value fit = eval("""
                model p() { x ~ normal(3, 1) }
                model q() { param m = 0.0
                  x ~ normal(m, 1) }
                fit(elbo(p(), q(), choices {}), optimizer: adam(0.1), steps: 5, samples: 3, seed: 1)
                """);
        assertTrue(fit.hasMembers(), fit.toString());
        assertTrue(fit.getMemberKeys().size() >= 2, fit.getMemberKeys().toString());
        for (String key : fit.getMemberKeys()) {
            assertTrue(fit.hasMember(key));
            assertTrue(fit.toString().contains(key + ": "), key + " in " + fit);
        }
    }

    @Test
    void aListHasArrayElements() {
        Value l = eval("[3, true, \"s\", [1]]");
        assertTrue(l.hasArrayElements());
        assertEquals(4, l.getArraySize());
        assertEquals(3, l.getArrayElement(0).asDouble());
        assertTrue(l.getArrayElement(1).asBoolean());
        assertEquals("s", l.getArrayElement(2).asString());
        assertEquals(1, l.getArrayElement(3).getArraySize());
        assertEquals(List.of(3.0, true, "s"), List.of(l.getArrayElement(0).as(Object.class),
                l.getArrayElement(1).as(Object.class), l.getArrayElement(2).as(Object.class)));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> l.getArrayElement(4));
        assertEquals("[3, true, \"s\", [1]]", l.toString());
    }

    @Test
    void aTensorIsAnArrayOfRowsAndABufferOfDoubles() {
        Value m = eval("reshape(tensor([1, 2, 3, 4, 5, 6]), [2, 3]) * 0.5");
        assertTrue(m.hasArrayElements());
        assertEquals(2, m.getArraySize());
        assertArrayEquals(new double[] {2, 2.5, 3}, m.getArrayElement(1).as(double[].class));
        double[][] rows = m.as(double[][].class);
        assertArrayEquals(new double[] {0.5, 1, 1.5}, rows[0]);
        assertTrue(m.hasBufferElements());
        assertFalse(m.isBufferWritable());
        assertEquals(48, m.getBufferSize());
        assertEquals(2.5, m.readBufferDouble(ByteOrder.nativeOrder(), 8 * 4));
        assertEquals(Double.doubleToLongBits(3.0), m.readBufferLong(ByteOrder.nativeOrder(), 8 * 5));
        assertThrows(IndexOutOfBoundsException.class, () -> m.readBufferDouble(ByteOrder.nativeOrder(), 44));
        assertEquals("[[0.5, 1, 1.5], [2, 2.5, 3]]", m.toString());
        assertEquals(6.0, eval("sum(ones(2, 3))").asDouble(), "a rank-0 tensor is its number");
    }

    @Test
    void functionsRunAndModelsAndObjectivesBindTheirArguments() {
        eval("""
                fn scale(x, k) { x * k }
                model coin(n) {
                  p ~ beta(2, 2)
                  for i in 0..n { flip[i] ~ bernoulli(p) }
                }
                """);
        Value bindings = context.getBindings("ppl");
        Value scale = bindings.getMember("scale");
        assertTrue(scale.canExecute());
        assertEquals(7.5, scale.execute(3, 2.5).asDouble(), "a Java int is a ppl number");
        assertEquals("<fn scale>", scale.toString());
        IllegalArgumentException arity = assertThrows(IllegalArgumentException.class, () -> scale.execute(1));
        assertTrue(arity.getMessage().contains("Expected 2 argument(s) but got 1"), arity.getMessage());
        PolyglotException inside = assertThrows(PolyglotException.class, () -> scale.execute("a", true));
        assertTrue(inside.isGuestException() && !inside.isInternalError(), inside.getMessage());
        Value coin = bindings.getMember("coin");
        assertTrue(coin.canExecute());
        Value bound = coin.execute(4);
        assertEquals("coin(...)", bound.toString());
        bindings.putMember("m", bound);
        // beta(2, 2) has density 6 p (1 - p), 1.5 at 0.5; each flip 0.5
        assertEquals(Math.log(1.5) + 4 * Math.log(0.5),
                eval("density(m, choices {p: 0.5, flip: [1, 0, 1, 1]})").asDouble(), 1e-12);
        Value elbo = bindings.getMember("elbo");
        assertTrue(elbo.canExecute());
        assertEquals("elbo(...)", elbo.execute(bound, bound, eval("choices {}")).toString());
    }

    /** Host arrays and lists are ppl lists where the context lets ppl read them (HostAccess array and list access). */
    @Test
    void putMemberDefinesATopLevelNameForLaterSources() {
        context.close();
        context = Context.newBuilder("ppl").allowHostAccess(org.graalvm.polyglot.HostAccess.newBuilder()
                .allowArrayAccess(true).allowListAccess(true).build()).build();
        Value bindings = context.getBindings("ppl");
        bindings.putMember("ys", new double[] {1, 2, 4});
        bindings.putMember("n", 3);
        bindings.putMember("label", "obs");
        bindings.putMember("xs", List.of(1, 2.5));
        assertEquals(7, eval("ys[0] + ys[1] + ys[2]").asDouble());
        assertEquals("[1, 2.5]", eval("xs").toString());
        assertEquals("obs", eval("label").asString());
        bindings.putMember("n", 5);
        assertEquals(10, eval("n * 2").asDouble(), "putMember redefines a name");
        eval("let z = n + 1");
        assertEquals(6, bindings.getMember("z").asDouble(), "getMember reads what a source defined");
        assertTrue(bindings.getMemberKeys().containsAll(Set.of("ys", "n", "label", "z")));
        assertFalse(bindings.hasMember("nope"));
        assertThrows(UnsupportedOperationException.class, () -> bindings.putMember("not a name", 1));
        assertThrows(IllegalArgumentException.class, () -> bindings.putMember("t", new Object()));
    }

    @Test
    void withoutArrayAccessAHostArrayIsRefused() {
        Value bindings = context.getBindings("ppl");
        assertThrows(IllegalArgumentException.class, () -> bindings.putMember("ys", new double[] {1, 2}));
        assertFalse(bindings.hasMember("ys"));
    }

    @Test
    void nothingIsNull() {
        assertTrue(eval("let x = 1").isNull());
    }
}
