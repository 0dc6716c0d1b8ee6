package org.ppl4j.compiler.passes;

import java.util.IdentityHashMap;
import java.util.Map;
import org.ppl4j.runtime.builtins.PplBuiltin;

/** What the resolve pass found: what each name means, and where each definition lives. */
public final class Resolution {
    /** What a name refers to. */
    public sealed interface Binding permits Local, Global, Builtin {
    }

    /** A slot of this function's frame ({@code depth} 0) or of an enclosing one. */
    public record Local(int depth, int slot) implements Binding {
    }

    /** A top-level name, kept in the context. */
    public record Global(String name) implements Binding {
    }

    public record Builtin(PplBuiltin builtin) implements Binding {
    }

    /** Names and assignment targets, by AST node identity. */
    final Map<Object, Binding> bindings = new IdentityHashMap<>();
    /** The binding a definition (let, ~, param, for, nested declaration) writes. */
    final Map<Object, Binding> definitions = new IdentityHashMap<>();
    /** Frame size of each function body and of the program. */
    final Map<Object, Integer> frameSizes = new IdentityHashMap<>();
    /** The slot holding a for loop's upper bound. */
    final Map<Object, Integer> loopLimits = new IdentityHashMap<>();
    /** The model or objective whose body a ~ or param statement is in. */
    final Map<Object, String> owners = new IdentityHashMap<>();

    public Binding binding(Object node) {
        return bindings.get(node);
    }

    public Binding definition(Object node) {
        return definitions.get(node);
    }

    public int frameSize(Object function) {
        return frameSizes.getOrDefault(function, 0);
    }

    public int loopLimit(Object forStmt) {
        return loopLimits.get(forStmt);
    }

    public String owner(Object stmt) {
        return owners.get(stmt);
    }
}
