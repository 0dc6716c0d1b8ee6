package org.ppl4j.compiler.passes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.ppl4j.compiler.CompileError;
import org.ppl4j.compiler.ast.Ast;
import org.ppl4j.compiler.ast.Ast.DeclKind;
import org.ppl4j.compiler.ast.Span;
import org.ppl4j.runtime.builtins.PplBuiltin;

/**
 * Names and scopes: each name becomes a frame slot, a top-level name or a builtin; each definition gets
 * its slot. Also rejects what is misplaced: random choices and params outside models, return at top level,
 * assignment to an undefined name or a loop variable.
 */
public final class ResolvePass {
    private final Function<String, PplBuiltin> builtins;
    private final List<String> builtinNames;
    private final Set<String> globals = new HashSet<>();
    private final Resolution result = new Resolution();
    private Scope scope;

    /** One function's frame: nested blocks of names, slots counted for the whole frame. */
    private static final class Scope {
        final Scope parent;
        final Object function;
        final DeclKind kind;
        /**
         * The kind that decides where random choices and params may appear: a lambda written inside a model or
         * an objective (as {@code replicate(k) { z ~ sim(q) }}) runs as part of it, so it takes that kind.
         */
        final DeclKind generative;
        final String owner;
        final Deque<Map<String, Integer>> blocks = new ArrayDeque<>();
        final Set<Integer> readOnly = new HashSet<>();
        int slots;

        Scope(Scope parent, Object function, DeclKind kind, String owner) {
            this(parent, function, kind, kind, owner);
        }

        Scope(Scope parent, Object function, DeclKind kind, DeclKind generative, String owner) {
            this.parent = parent;
            this.function = function;
            this.kind = kind;
            this.generative = generative;
            this.owner = owner;
            blocks.push(new HashMap<>());
        }

        boolean isProgram() {
            return parent == null;
        }
    }

    public ResolvePass(Function<String, PplBuiltin> builtins, List<String> builtinNames, Set<String> knownGlobals) {
        this.builtins = builtins;
        this.builtinNames = builtinNames;
        this.globals.addAll(knownGlobals);
    }

    public Resolution run(Ast.Program program) {
        for (Ast.Stmt s : program.items()) {
            if (s instanceof Ast.Decl d) {
                globals.add(d.name());
            } else if (s instanceof Ast.Let l) {
                globals.add(l.name());
            }
        }
        scope = new Scope(null, program, null, null);
        for (Ast.Stmt s : program.items()) {
            statement(s);
        }
        result.frameSizes.put(program, scope.slots);
        return result;
    }

    // ---------------------------------------------------------------- definitions

    private Resolution.Binding define(String name, boolean readOnly) {
        if (scope.isProgram() && scope.blocks.size() == 1) {
            globals.add(name);
            return new Resolution.Global(name);
        }
        int slot = scope.slots++;
        scope.blocks.peek().put(name, slot);
        if (readOnly) {
            scope.readOnly.add(slot);
        }
        return new Resolution.Local(0, slot);
    }

    private void function(Object node, DeclKind kind, String name, List<String> params, List<Span> paramSpans,
            Ast.Block body) {
        String owner = kind == DeclKind.FN ? scope.owner : name;
        if (node instanceof Ast.Lambda && scope.generative != null && scope.generative != DeclKind.FN) {
            // a lambda inside a model or an objective: its random choices and params belong to the enclosing one
            scope = new Scope(scope, node, kind, scope.generative, scope.owner);
        } else {
            scope = new Scope(scope, node, kind, kind == DeclKind.FN ? null : owner);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < params.size(); i++) {
            if (!seen.add(params.get(i))) {
                throw new CompileError("the parameter '" + params.get(i) + "' appears twice", paramSpans.get(i));
            }
            define(params.get(i), false);
        }
        for (Ast.Stmt s : body.statements()) {
            statement(s);
        }
        result.frameSizes.put(node, scope.slots);
        scope = scope.parent;
    }

    private void block(Ast.Block b) {
        scope.blocks.push(new HashMap<>());
        for (Ast.Stmt s : b.statements()) {
            statement(s);
        }
        scope.blocks.pop();
    }

    private void statement(Ast.Stmt s) {
        if (s instanceof Ast.Decl d) {
                Resolution.Binding b = define(d.name(), false);
                result.definitions.put(d, b);
                function(d, d.kind(), d.name(), d.params(), d.paramSpans(), d.body());
            } else if (s instanceof Ast.Let l) {
                expr(l.value());
                result.definitions.put(l, define(l.name(), false));
            } else if (s instanceof Ast.Param p) {
                requireGenerative(p.span(), "a param", DeclKind.MODEL);
                expr(p.init());
                result.owners.put(p, scope.owner);
                result.definitions.put(p, define(p.name(), false));
            } else if (s instanceof Ast.Sample smp) {
                requireGenerative(smp.span(), "a random choice", null);
                smp.indices().forEach(this::expr);
                expr(smp.distribution());
                if (smp.strategy() != null) {
                    Ast.Expr learned = EstimatePass.learnedBaseline(smp.strategy());
                    smp.strategy().options().forEach(a -> {
                        if (a.value() == learned) {
                            expr(a.value()); // computed by the program for each sample
                        } else {
                            strategyOption(a.value());
                        }
                    });
                }
                result.owners.put(smp, scope.owner);
                if (smp.binding() != null) {
                    result.definitions.put(smp, define(smp.binding(), false));
                } else if (smp.indices().isEmpty()) {
                    result.definitions.put(smp, define(smp.name(), false));
                }
            } else if (s instanceof Ast.Track t) {
                requireGenerative(t.span(), "track", DeclKind.MODEL);
                t.indices().forEach(this::expr);
                expr(t.value());
                if (t.indices().isEmpty()) {
                    result.definitions.put(t, define(t.name(), false));
                }
            } else if (s instanceof Ast.For f) {
                expr(f.from());
                if (f.to() != null) {
                    expr(f.to());
                }
                scope.blocks.push(new HashMap<>());
                int limit = scope.slots++;
                result.loopLimits.put(f, limit);
                int slot = scope.slots++;
                scope.blocks.peek().put(f.variable(), slot);
                scope.readOnly.add(slot);
                result.definitions.put(f, new Resolution.Local(0, slot));
                block(f.body());
                scope.blocks.pop();
            } else if (s instanceof Ast.Local l) {
                block(l.body());
            } else if (s instanceof Ast.If i) {
                expr(i.condition());
                block(i.thenBlock());
                if (i.elseBlock() != null) {
                    block(i.elseBlock());
                }
            } else if (s instanceof Ast.Return r) {
                if (scope.isProgram()) {
                    throw new CompileError("'return' is only allowed inside a fn, model or objective", r.span());
                }
                expr(r.value());
            } else if (s instanceof Ast.Assign a) {
                expr(a.value());
                Resolution.Binding b = lookup(a.name(), a.nameSpan());
                if (b instanceof Resolution.Builtin) {
                    throw new CompileError("cannot assign to the builtin '" + a.name() + "'; use let to define a new"
                            + " name", a.nameSpan());
                }
                if (b instanceof Resolution.Local l && l.depth() == 0 && scope.readOnly.contains(l.slot())) {
                    throw new CompileError("cannot assign to the loop variable '" + a.name() + "'", a.nameSpan());
                }
                result.bindings.put(a, b);
            } else if (s instanceof Ast.ExprStmt e) {
                expr(e.expr());
            }

    }

    /** Strategy options are written like expressions but name baselines; only their numbers are checked here. */
    private void strategyOption(Ast.Expr e) {
        if (e instanceof Ast.Call c) {
            c.args().forEach(a -> expr(a.value()));
        }
    }

    private void requireGenerative(Span span, String what, DeclKind only) {
        DeclKind k = scope.generative;
        boolean ok = only == null ? k == DeclKind.MODEL || k == DeclKind.OBJECTIVE : k == only;
        if (!ok) {
            String where = only == null ? "a model or an objective" : "a model";
            throw new CompileError(what + " can only appear in the body of " + where
                    + (k == DeclKind.FN ? ", not in a fn" : ""), span);
        }
    }

    // ---------------------------------------------------------------- expressions

    private void expr(Ast.Expr e) {
        if (e instanceof Ast.Num n) {
            } else if (e instanceof Ast.Str s) {
            } else if (e instanceof Ast.Bool b) {
            } else if (e instanceof Ast.Name n) {
                result.bindings.put(n, lookup(n.name(), n.span()));
            } else if (e instanceof Ast.ListLit l) {
                l.elements().forEach(this::expr);
            } else if (e instanceof Ast.ChoicesLit c) {
                c.values().forEach(this::expr);
            } else if (e instanceof Ast.Lambda l) {
                function(l, DeclKind.FN, "<lambda>", l.params(), l.paramSpans(), l.body());
            } else if (e instanceof Ast.Unary u) {
                expr(u.operand());
            } else if (e instanceof Ast.Binary b) {
                expr(b.left());
                expr(b.right());
            } else if (e instanceof Ast.RecordLit r) {
                r.values().forEach(this::expr);
            } else if (e instanceof Ast.Call c) {
                expr(c.callee());
                for (Ast.Arg a : c.args()) {
                    if (isStrategyTable(c, a)) {
                        for (Ast.Expr v : ((Ast.RecordLit) a.value()).values()) {
                            if (!namesStrategy(v)) {
                                expr(v); // a strategy computed at run time, e.g. a string "relax(0.5)"
                            }
                        }
                        continue;
                    }
                    expr(a.value());
                }
            } else if (e instanceof Ast.Index i) {
                expr(i.target());
                expr(i.index());
            } else if (e instanceof Ast.Slice sl) {
                expr(sl.target());
                sl.subscripts().forEach(sub -> sub.parts().forEach(this::expr));
            } else if (e instanceof Ast.Member m) {
                expr(m.target());
            }

    }

    /**
     * {@code fit(..., estimators: { "z": reinforce })} (and gradients'): the table's values name strategies, not
     * variables.
     */
    static boolean isStrategyTable(Ast.Call c, Ast.Arg a) {
        return "estimators".equals(a.name()) && a.value() instanceof Ast.RecordLit
                && c.callee() instanceof Ast.Name n && (n.name().equals("fit") || n.name().equals("gradients"));
    }

    /** A value of an estimators table written as a strategy: {@code enum}, {@code reinforce(baseline: none)}. */
    static boolean namesStrategy(Ast.Expr v) {
        Ast.Expr head = v instanceof Ast.Call c ? c.callee() : v;
        return head instanceof Ast.Name n && org.ppl4j.estimators.Strategies.NAMES.contains(n.name());
    }

    private Resolution.Binding lookup(String name, Span span) {
        int depth = 0;
        for (Scope s = scope; s != null; s = s.parent, depth++) {
            for (Map<String, Integer> block : s.blocks) {
                Integer slot = block.get(name);
                if (slot != null) {
                    return new Resolution.Local(depth, slot);
                }
            }
        }
        if (globals.contains(name)) {
            return new Resolution.Global(name);
        }
        PplBuiltin b = builtins.apply(name);
        if (b != null) {
            return new Resolution.Builtin(b);
        }
        String suggestion = Suggestions.closest(name, candidates());
        throw new CompileError("unknown name '" + name + "'" + (suggestion == null ? ""
                : "; did you mean '" + suggestion + "'?"), span);
    }

    private List<String> candidates() {
        List<String> names = new ArrayList<>(globals);
        names.addAll(builtinNames);
        for (Scope s = scope; s != null; s = s.parent) {
            for (Map<String, Integer> block : s.blocks) {
                names.addAll(block.keySet());
            }
        }
        return names;
    }
}
