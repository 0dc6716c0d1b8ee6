package org.ppl4j.compiler.passes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.compiler.CompileError;
import org.ppl4j.compiler.ast.Ast;
import org.ppl4j.estimators.DefaultStrategy;
import org.ppl4j.estimators.Strategies;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.estimate.GradientStrategy;

/**
 * Chooses the gradient strategy of every random choice: the one written after {@code by}, else the
 * default for its distribution (DESIGN.md section 2). A strategy the distribution cannot support is an
 * error at the annotation. The result can be dumped ({@code ppl check --dump estimate}).
 */
public final class EstimatePass {
    /** A remark on a site that is not an error (shown by {@code ppl check}): what is checked only at run time. */
    public record Note(Ast.Sample sample, String message) {
    }

    /** The decision for one site, with the reason shown in dumps. */
    public record Site(String owner, String address, String distribution, GradientStrategy strategy,
            String reason, Ast.Sample sample) {
    }

    private final Resolution resolution;
    private final Map<Ast.Sample, Site> sites = new IdentityHashMap<>();
    private final List<Site> ordered = new ArrayList<>();
    /** The lines of the dump by declaration, in source order: sites, and replicate and map calls. */
    private final List<String[]> dumpLines = new ArrayList<>();
    private final List<Note> notes = new ArrayList<>();
    private Ast.Decl declaration;
    /** The independent leading axes declared by the enclosing local block, 0 outside one. */
    private int localAxes;

    public EstimatePass(Resolution resolution) {
        this.resolution = resolution;
    }

    public EstimatePass run(Ast.Program program) {
        program.items().forEach(this::statement);
        return this;
    }

    public GradientStrategy strategy(Ast.Sample s) {
        return sites.get(s).strategy();
    }

    public List<Site> sites() {
        return ordered;
    }

    /** Notes on the sites whose strategy is checked against the value's shape at the first estimate. */
    public List<Note> notes() {
        return notes;
    }

    /** The readable form of the pass's output. */
    public String dump() {
        StringBuilder sb = new StringBuilder();
        String owner = null;
        for (String[] line : dumpLines) {
            if (!line[0].equals(owner)) {
                owner = line[0];
                sb.append(owner).append(":\n");
            }
            sb.append("  ").append(line[1]).append('\n');
        }
        return sb.toString();
    }

    private void statement(Ast.Stmt s) {
        if (s instanceof Ast.Decl d) {
            Ast.Decl outer = declaration;
            declaration = d;
            d.body().statements().forEach(this::statement);
            declaration = outer;
        } else if (s instanceof Ast.Sample smp) {
            decide(smp);
            smp.indices().forEach(this::expression);
            expression(smp.distribution());
        } else if (s instanceof Ast.For f) {
            expression(f.from());
            if (f.to() != null) {
                expression(f.to());
            }
            f.body().statements().forEach(this::statement);
        } else if (s instanceof Ast.Local l) {
            int outer = localAxes;
            localAxes = l.axes();
            l.body().statements().forEach(this::statement);
            localAxes = outer;
        } else if (s instanceof Ast.If i) {
            expression(i.condition());
            i.thenBlock().statements().forEach(this::statement);
            if (i.elseBlock() != null) {
                i.elseBlock().statements().forEach(this::statement);
            }
        } else if (s instanceof Ast.Let l) {
            expression(l.value());
        } else if (s instanceof Ast.Track t) {
            t.indices().forEach(this::expression);
            expression(t.value());
        } else if (s instanceof Ast.Param p) {
            expression(p.init());
        } else if (s instanceof Ast.Return r) {
            expression(r.value());
        } else if (s instanceof Ast.Assign a) {
            expression(a.value());
        } else if (s instanceof Ast.ExprStmt e) {
            expression(e.expr());
        }
    }

    /** Random choices inside lambdas ({@code replicate(k) { z ~ sim(q) }}) are sites too. */
    private void expression(Ast.Expr e) {
        if (e instanceof Ast.Lambda l) {
            l.body().statements().forEach(this::statement);
        } else if (e instanceof Ast.ListLit l) {
            l.elements().forEach(this::expression);
        } else if (e instanceof Ast.ChoicesLit c) {
            c.values().forEach(this::expression);
        } else if (e instanceof Ast.RecordLit r) {
            r.values().forEach(this::expression);
        } else if (e instanceof Ast.Unary u) {
            expression(u.operand());
        } else if (e instanceof Ast.Binary b) {
            expression(b.left());
            expression(b.right());
        } else if (e instanceof Ast.Call c) {
            iteration(c);
            expression(c.callee());
            c.args().forEach(a -> expression(a.value()));
        } else if (e instanceof Ast.Index i) {
            expression(i.target());
            expression(i.index());
        } else if (e instanceof Ast.Slice sl) {
            expression(sl.target());
            sl.subscripts().forEach(sub -> sub.parts().forEach(this::expression));
        } else if (e instanceof Ast.Member m) {
            expression(m.target());
        }
    }

    /**
     * A replicate or map call in a declaration: whether it may run vectorised (decided at run time, see
     * docs/objectives.md, "How replicate vectorises"), for the dump.
     */
    private void iteration(Ast.Call c) {
        if (declaration == null || !(c.callee() instanceof Ast.Name n)
                || !(n.name().equals("replicate") || n.name().equals("map"))
                || !(resolution.binding(n) instanceof Resolution.Builtin)) {
            return;
        }
        Ast.Expr option = null;
        for (Ast.Arg a : c.args()) {
            if ("vectorise".equals(a.name())) {
                option = a.value();
            }
        }
        String how;
        if (declaration.kind() == Ast.DeclKind.MODEL) {
            how = "runs as a loop (in a model each iteration's choices have addresses of their own)";
        } else if (option instanceof Ast.Bool b && !b.value()) {
            how = "runs as a loop (vectorise: false)";
        } else if (option instanceof Ast.Bool) {
            how = "runs vectorised, or stops with the reason it cannot (vectorise: true)";
        } else if (option != null) {
            how = "vectorise: decided by its value at run time";
        } else {
            how = "runs vectorised where its body allows, else as a loop (vectorise: false loops)";
        }
        boolean looped = declaration.kind() == Ast.DeclKind.MODEL || option instanceof Ast.Bool b && !b.value();
        String where = declaration.kind() == Ast.DeclKind.FN && !looped ? " (when called in an objective)" : "";
        dumpLines.add(new String[] {declaration.name(), n.name() + " at " + c.span().line() + ":" + c.span().column()
                + "  " + how + where});
    }

    private void decide(Ast.Sample s) {
        DistributionFamily family = staticFamily(s.distribution());
        String distName = family != null ? family.name() : describeDynamic(s.distribution());
        String address = s.name() + (s.indices().isEmpty() ? "" : "[*]".repeat(s.indices().size()));
        GradientStrategy strategy;
        String reason;
        if (s.strategy() != null) {
            try {
                strategy = Strategies.create(s.strategy().name(), options(s.strategy()));
            } catch (IllegalArgumentException e) {
                throw new CompileError(e.getMessage(), s.strategy().span());
            }
            if (family != null && !strategy.supports(family)) {
                throw new CompileError("the strategy '" + strategy.name() + "' cannot be used for " + family.name()
                        + (strategy.name().equals("reparam") ? ", which has no reparameterised sampler" : "")
                        + "; " + family.name() + " supports " + String.join(", ", Strategies.supportedBy(family)),
                        s.strategy().span());
            }
            reason = "annotation";
        } else if (family != null) {
            strategy = Strategies.defaultFor(family);
            reason = family.reparameterized() ? "default: " + family.name() + " is reparameterisable"
                    : "default: " + family.name() + " has no reparameterised sampler";
        } else {
            strategy = DefaultStrategy.INSTANCE;
            reason = "default, chosen when the distribution is known at run time";
        }
        Site site = new Site(resolution.owner(s), address, distName, strategy, reason, s);
        note(s, strategy.name(), s.name() + " ~ " + distName);
        sites.put(s, site);
        ordered.add(site);
        dumpLines.add(new String[] {site.owner(), site.address() + " ~ " + site.distribution() + "  by "
                + strategy.describe() + "  (" + reason + ")" + independence(localAxes)});
    }

    /**
     * What the strategies that replay the program (enum, mvd) check only once the value's shape is known: at the
     * first estimate, before the first step of a fit (docs/estimators.md, "Independent elements").
     */
    private void note(Ast.Sample s, String strategy, String what) {
        String checked = " depend on the value's shape; checked at the first estimate, before the first step";
        String kept = " and whether every term of the objective keeps the independent axes";
        if (strategy.equals("enum")) {
            notes.add(new Note(s, "enum on " + what + (localAxes == 0
                    ? " (outside local a tensor value is enumerated whole): its runs (the joint values, at most 4096)"
                    : " (per element of local): its runs (the joint values within an element, at most 4096)" + kept)
                    + checked));
        } else if (strategy.equals("mvd")) {
            notes.add(new Note(s, "mvd on " + what + (localAxes == 0
                    ? " (outside local): a tensor value is refused at the first estimate, before the first step"
                            + " (draw it inside local); a scalar one is coupled whole"
                    : " (per element of local): its runs (at most 4096)" + kept + checked)));
        }
    }

    /**
     * For a site in a local block: the leading axes of its value (when a tensor) whose elements are independent,
     * each scored, enumerated or coupled on its own (docs/estimators.md, "Independent elements").
     */
    private static String independence(int axes) {
        if (axes == 0) {
            return "";
        }
        return axes == 1 ? "  independent: axis 0 (data, local)"
                : "  independent: axes 0.." + (axes - 1) + " (axis 0 data, local(axes: " + axes + "))";
    }

    private DistributionFamily staticFamily(Ast.Expr e) {
        if (e instanceof Ast.Call c && c.callee() instanceof Ast.Name n
                && resolution.binding(n) instanceof Resolution.Builtin b) {
            return b.builtin().distributionFamily();
        }
        return null;
    }

    private static String describeDynamic(Ast.Expr e) {
        if (e instanceof Ast.Call c && c.callee() instanceof Ast.Name n) {
            return n.name() + "(...)";
        }
        return "a distribution";
    }

    /** A strategy written as an expression, as in fit's estimators table: {@code reinforce(baseline: none)}. */
    public static GradientStrategy strategy(Ast.Expr e) {
        try {
            if (e instanceof Ast.Name n) {
                return Strategies.create(n.name(), Map.of());
            }
            if (e instanceof Ast.Call c && c.callee() instanceof Ast.Name n) {
                return Strategies.create(n.name(), options(new Ast.StrategySpec(n.name(), c.args(), c.span())));
            }
            if (e instanceof Ast.Str s) {
                return Strategies.parse(s.value());
            }
        } catch (IllegalArgumentException ex) {
            throw new CompileError(ex.getMessage(), e.span());
        }
        throw new CompileError("expected a strategy such as reinforce, enum or relax(0.5)", e.span());
    }

    /**
     * The expression of {@code by reinforce(baseline: e)} when e is computed by the program (not one of the
     * named baselines), else null.
     */
    public static Ast.Expr learnedBaseline(Ast.StrategySpec spec) {
        if (spec == null || !spec.name().equals("reinforce")) {
            return null;
        }
        for (Ast.Arg a : spec.options()) {
            if ("baseline".equals(a.name())) {
                Ast.Expr v = a.value();
                Ast.Expr head = v instanceof Ast.Call c ? c.callee() : v;
                boolean named = head instanceof Ast.Name n && Strategies.BASELINE_NAMES.contains(n.name());
                return named ? null : v;
            }
        }
        return null;
    }

    private static Map<String, Strategies.Option> options(Ast.StrategySpec spec) {
        Map<String, Strategies.Option> options = new LinkedHashMap<>();
        int position = 0;
        Ast.Expr learned = learnedBaseline(spec);
        for (Ast.Arg a : spec.options()) {
            if (a.value() == learned) {
                options.put("baseline", new Strategies.Option(org.ppl4j.estimators.LearnedBaseline.PLACEHOLDER,
                        List.of()));
                continue;
            }
            options.put(a.name() == null ? Integer.toString(position++) : a.name(), option(a.value()));
        }
        return options;
    }

    private static Strategies.Option option(Ast.Expr e) {
        if (e instanceof Ast.Num num) {
            return Strategies.Option.number(num.value());
        }
        if (e instanceof Ast.Name n) {
            return new Strategies.Option(n.name(), List.of());
        }
        if (e instanceof Ast.Call c && c.callee() instanceof Ast.Name n) {
            List<Double> args = new ArrayList<>();
            for (Ast.Arg a : c.args()) {
                if (!(a.value() instanceof Ast.Num num)) {
                    throw new CompileError("an option's arguments must be numbers", a.value().span());
                }
                args.add(num.value());
            }
            return new Strategies.Option(n.name(), args);
        }
        throw new CompileError("expected an option such as running_mean or running_mean(0.9)", e.span());
    }
}
