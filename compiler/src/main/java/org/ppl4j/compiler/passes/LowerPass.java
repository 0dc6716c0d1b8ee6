package org.ppl4j.compiler.passes;

import com.oracle.truffle.api.RootCallTarget;
import com.oracle.truffle.api.frame.FrameDescriptor;
import com.oracle.truffle.api.frame.FrameSlotKind;
import com.oracle.truffle.api.source.Source;
import com.oracle.truffle.api.source.SourceSection;
import java.util.ArrayList;
import java.util.List;
import org.ppl4j.compiler.CompileError;
import org.ppl4j.compiler.ast.Ast;
import org.ppl4j.compiler.ast.Span;
import org.ppl4j.runtime.PplLanguage;
import org.ppl4j.runtime.builtins.BuiltinValue;
import org.ppl4j.runtime.builtins.PplBuiltin;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.nodes.PplRootNode;
import org.ppl4j.runtime.nodes.controlflow.PplBlockNode;
import org.ppl4j.runtime.nodes.controlflow.PplForNode;
import org.ppl4j.runtime.nodes.controlflow.PplIfNode;
import org.ppl4j.runtime.nodes.controlflow.PplReturnNode;
import org.ppl4j.runtime.nodes.expression.PplAddNodeGen;
import org.ppl4j.runtime.nodes.expression.PplBuiltinCallNode;
import org.ppl4j.runtime.nodes.expression.PplCallNode;
import org.ppl4j.runtime.nodes.expression.PplChoicesNode;
import org.ppl4j.runtime.nodes.expression.PplCompareNode;
import org.ppl4j.runtime.nodes.expression.PplCompareNodeGen;
import org.ppl4j.runtime.nodes.expression.PplDivNodeGen;
import org.ppl4j.runtime.nodes.expression.PplEqualNodeGen;
import org.ppl4j.runtime.nodes.expression.PplFunctionNode;
import org.ppl4j.runtime.nodes.expression.PplIndexNode;
import org.ppl4j.runtime.nodes.expression.PplListNode;
import org.ppl4j.runtime.nodes.expression.PplLiteralNode;
import org.ppl4j.runtime.nodes.expression.PplLogicalNode;
import org.ppl4j.runtime.nodes.expression.PplMatMulNodeGen;
import org.ppl4j.runtime.nodes.expression.PplMemberNode;
import org.ppl4j.runtime.nodes.expression.PplModNodeGen;
import org.ppl4j.runtime.nodes.expression.PplMulNodeGen;
import org.ppl4j.runtime.nodes.expression.PplPowNodeGen;
import org.ppl4j.runtime.nodes.expression.PplRecordNode;
import org.ppl4j.runtime.nodes.expression.PplSubNodeGen;
import org.ppl4j.runtime.nodes.expression.PplUnaryNode;
import org.ppl4j.runtime.nodes.inference.PplParamNode;
import org.ppl4j.runtime.nodes.inference.PplSampleNode;
import org.ppl4j.runtime.nodes.local.PplReadGlobalNode;
import org.ppl4j.runtime.nodes.local.PplReadLocalNode;
import org.ppl4j.runtime.nodes.local.PplWriteGlobalNode;
import org.ppl4j.runtime.nodes.local.PplWriteLocalNode;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.FunctionValue;
import org.ppl4j.runtime.value.PplNothing;

/** AST to Truffle nodes, using the bindings of the resolve pass and the strategies of the estimate pass. */
public final class LowerPass {
    private final PplLanguage language;
    private final Source source;
    private final Resolution resolution;
    private final EstimatePass estimates;

    public LowerPass(PplLanguage language, Source source, Resolution resolution, EstimatePass estimates) {
        this.language = language;
        this.source = source;
        this.resolution = resolution;
        this.estimates = estimates;
    }

    /** The statements of a whole program, top-level declarations first so that they can refer to each other. */
    public List<PplExpressionNode> program(Ast.Program program) {
        List<PplExpressionNode> nodes = new ArrayList<>();
        for (Ast.Stmt s : program.items()) {
            if (s instanceof Ast.Decl) {
                nodes.add(statement(s, false));
            }
        }
        for (Ast.Stmt s : program.items()) {
            if (!(s instanceof Ast.Decl)) {
                nodes.add(statement(s, false));
            }
        }
        return nodes;
    }

    public static FrameDescriptor frame(int slots) {
        FrameDescriptor.Builder b = FrameDescriptor.newBuilder();
        b.addSlots(slots, FrameSlotKind.Illegal);
        return b.build();
    }

    SourceSection section(Span span) {
        int offset = Math.min(span.offset(), source.getLength());
        int length = Math.max(0, Math.min(span.length(), source.getLength() - offset));
        return source.createSection(offset, length);
    }

    private <T extends PplExpressionNode> T at(T node, Span span) {
        node.at(section(span));
        return node;
    }

    // ---------------------------------------------------------------- statements

    private PplExpressionNode block(Ast.Block b) {
        PplExpressionNode[] nodes = new PplExpressionNode[b.statements().size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = statement(b.statements().get(i), true);
        }
        return at(new PplBlockNode(nodes), b.span());
    }

    private PplExpressionNode statement(Ast.Stmt s, boolean nested) {
        PplExpressionNode n = statementNode(s, nested);
        n.asStatement();
        return n;
    }

    private PplExpressionNode statementNode(Ast.Stmt s, boolean nested) {
        if (s instanceof Ast.Decl d) {
            return write(resolution.definition(d), function(d, d.kind(), d.name(), d.params(), d.body(),
                    resolution.definition(d) instanceof Resolution.Local), d.span());
        } else if (s instanceof Ast.Let l) {
            return write(resolution.definition(l), expr(l.value()), l.span());
        } else if (s instanceof Ast.Param p) {
            Constraint c = Constraint.REAL;
            if (p.constraint() != null) {
                c = Constraint.byKeyword(p.constraint());
                if (c == null) {
                    String hint = Suggestions.closest(p.constraint(), List.of("real", "positive", "unit_interval"));
                    throw new CompileError("unknown constraint '" + p.constraint() + "'; the constraints are "
                            + Constraint.keywords() + (hint == null ? "" : " (did you mean '" + hint + "'?)"),
                            p.constraintSpan());
                }
            }
            PplParamNode node = at(new PplParamNode(new ParamKey(resolution.owner(p), p.name()), c, expr(p.init())),
                    p.span());
            return write(resolution.definition(p), node, p.span());
        } else if (s instanceof Ast.Sample smp) {
            PplExpressionNode[] idx = smp.indices().stream().map(this::expr).toArray(PplExpressionNode[]::new);
            Ast.Expr learned = EstimatePass.learnedBaseline(smp.strategy());
            PplSampleNode node = at(new PplSampleNode(resolution.owner(smp), smp.name(), idx,
                    expr(smp.distribution()), estimates.strategy(smp), learned == null ? null : expr(learned)),
                    smp.span());
            Resolution.Binding target = resolution.definition(smp);
            if (target == null) {
                return node;
            }
            // the statement's value is the choice's value, as for x[i] ~ d: replicate(k) { x ~ normal(0, 1) }
            return at(new PplBlockNode(new PplExpressionNode[] {write(target, node, smp.span()),
                at(read(target), smp.nameSpan())}), smp.span());
        } else if (s instanceof Ast.Track t) {
            PplExpressionNode node = at(new org.ppl4j.runtime.nodes.inference.PplTrackNode(t.name(),
                    t.indices().stream().map(this::expr).toArray(PplExpressionNode[]::new), expr(t.value())), t.span());
            Resolution.Binding target = resolution.definition(t);
            return target == null ? node : write(target, node, t.span());
        } else if (s instanceof Ast.For f) {
            Resolution.Local var = (Resolution.Local) resolution.definition(f);
            // each iteration is a statement of its own (for --step-limit and debuggers), even with an empty body
            if (f.to() == null) {
                return at(new org.ppl4j.runtime.nodes.controlflow.PplForEachNode(var.slot(), resolution.loopLimit(f),
                        expr(f.from()), block(f.body()).asStatement()), f.span());
            }
            return at(new PplForNode(var.slot(), resolution.loopLimit(f), expr(f.from()), expr(f.to()),
                    block(f.body()).asStatement()), f.span());
        } else if (s instanceof Ast.Local l) {
            return at(new org.ppl4j.runtime.nodes.controlflow.PplLocalNode(block(l.body()), l.axes()), l.span());
        } else if (s instanceof Ast.If i) {
            return at(new PplIfNode(expr(i.condition()), block(i.thenBlock()),
                    i.elseBlock() == null ? null : block(i.elseBlock())), i.span());
        } else if (s instanceof Ast.Return r) {
            return at(new PplReturnNode(expr(r.value())), r.span());
        } else if (s instanceof Ast.Assign a) {
            return write(resolution.binding(a), expr(a.value()), a.span());
        } else {
            return expr(((Ast.ExprStmt) s).expr());
        }
    }

    private PplExpressionNode write(Resolution.Binding target, PplExpressionNode value, Span span) {
        if (target instanceof Resolution.Local l) {
            return at(new PplWriteLocalNode(l.depth(), l.slot(), value), span);
        }
        return at(new PplWriteGlobalNode(((Resolution.Global) target).name(), value), span);
    }

    private PplExpressionNode function(Object node, Ast.DeclKind kind, String name, List<String> params,
            Ast.Block body, boolean closes) {
        PplExpressionNode bodyNode = block(body);
        FunctionValue.Kind k = switch (kind) {
            case MODEL -> FunctionValue.Kind.MODEL;
            case OBJECTIVE -> FunctionValue.Kind.OBJECTIVE;
            default -> FunctionValue.Kind.FN;
        };
        PplRootNode root = new PplRootNode(language, frame(resolution.frameSize(node)), bodyNode, name, params.size(),
                section(body.span()));
        RootCallTarget target = root.getCallTarget();
        return new PplFunctionNode(k, name, params, target, closes);
    }

    // ---------------------------------------------------------------- expressions

    private PplExpressionNode expr(Ast.Expr e) {
        return at(exprNode(e), e.span());
    }

    private PplExpressionNode exprNode(Ast.Expr e) {
        if (e instanceof Ast.Num n) {
            return new PplLiteralNode(n.value());
        } else if (e instanceof Ast.Str s) {
            return new PplLiteralNode(s.value());
        } else if (e instanceof Ast.Bool b) {
            return new PplLiteralNode(b.value());
        } else if (e instanceof Ast.Name n) {
            return read(resolution.binding(n));
        } else if (e instanceof Ast.ListLit l) {
            return new PplListNode(l.elements().stream().map(this::expr).toArray(PplExpressionNode[]::new));
        } else if (e instanceof Ast.ChoicesLit c) {
            Address[] addresses = new Address[c.keys().size()];
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = Address.parse(c.keys().get(i));
                if (addresses[i] == null) {
                    throw new CompileError("'" + c.keys().get(i) + "' is not an address; write name, name[3] or"
                            + " name[1][2]", c.keySpans().get(i));
                }
            }
            return new PplChoicesNode(addresses, c.values().stream().map(this::expr).toArray(PplExpressionNode[]::new));
        } else if (e instanceof Ast.RecordLit r) {
            return new PplRecordNode(r.keys().toArray(new String[0]),
                    r.values().stream().map(this::expr).toArray(PplExpressionNode[]::new));
        } else if (e instanceof Ast.Lambda l) {
            return function(l, Ast.DeclKind.FN, "<lambda>", l.params(), l.body(), true);
        } else if (e instanceof Ast.Unary u) {
            return new PplUnaryNode(u.op().equals("!"), expr(u.operand()));
        } else if (e instanceof Ast.Binary b) {
            return binary(b);
        } else if (e instanceof Ast.Call c) {
            return call(c);
        } else if (e instanceof Ast.Index i) {
            return new PplIndexNode(expr(i.target()), expr(i.index()));
        } else if (e instanceof Ast.Slice sl) {
            int n = sl.subscripts().size();
            PplExpressionNode[] parts = new PplExpressionNode[4 * n];
            for (int k = 0; k < n; k++) {
                Ast.Subscript sub = sl.subscripts().get(k);
                parts[4 * k] = sub.point() == null ? null : expr(sub.point());
                parts[4 * k + 1] = sub.lo() == null ? null : expr(sub.lo());
                parts[4 * k + 2] = sub.hi() == null ? null : expr(sub.hi());
                parts[4 * k + 3] = sub.step() == null ? null : expr(sub.step());
            }
            return new org.ppl4j.runtime.nodes.expression.PplSliceNode(expr(sl.target()), parts);
        } else {
            Ast.Member m = (Ast.Member) e;
            return new PplMemberNode(expr(m.target()), m.name());
        }
    }

    private PplExpressionNode read(Resolution.Binding b) {
        if (b instanceof Resolution.Local l) {
            return new PplReadLocalNode(l.depth(), l.slot());
        }
        if (b instanceof Resolution.Global g) {
            return new PplReadGlobalNode(g.name());
        }
        org.ppl4j.runtime.builtins.PplBuiltin builtin = ((Resolution.Builtin) b).builtin();
        return new PplLiteralNode(builtin.constant() != null ? builtin.constant() : new BuiltinValue(builtin));
    }

    private PplExpressionNode binary(Ast.Binary b) {
        PplExpressionNode l = expr(b.left());
        PplExpressionNode r = expr(b.right());
        return switch (b.op()) {
            case "+" -> PplAddNodeGen.create(l, r);
            case "-" -> PplSubNodeGen.create(l, r);
            case "*" -> PplMulNodeGen.create(l, r);
            case "/" -> PplDivNodeGen.create(l, r);
            case "%" -> PplModNodeGen.create(l, r);
            case "^" -> PplPowNodeGen.create(l, r);
            case "@" -> PplMatMulNodeGen.create(l, r);
            case "<" -> PplCompareNodeGen.create(l, r, PplCompareNode.Kind.LT);
            case "<=" -> PplCompareNodeGen.create(l, r, PplCompareNode.Kind.LE);
            case ">" -> PplCompareNodeGen.create(l, r, PplCompareNode.Kind.GT);
            case ">=" -> PplCompareNodeGen.create(l, r, PplCompareNode.Kind.GE);
            case "==" -> PplEqualNodeGen.create(l, r, false);
            case "!=" -> PplEqualNodeGen.create(l, r, true);
            case "&&" -> new PplLogicalNode(true, l, r);
            case "||" -> new PplLogicalNode(false, l, r);
            default -> throw new CompileError("unknown operator " + b.op(), b.span());
        };
    }

    private PplExpressionNode call(Ast.Call c) {
        if (c.callee() instanceof Ast.Name n && resolution.binding(n) instanceof Resolution.Builtin b) {
            return new PplBuiltinCallNode(b.builtin(), bind(b.builtin(), c));
        }
        for (Ast.Arg a : c.args()) {
            if (a.name() != null) {
                throw new CompileError("named arguments are for builtins; pass '" + a.name() + "' by position",
                        a.nameSpan());
            }
        }
        return new PplCallNode(expr(c.callee()), c.args().stream().map(a -> expr(a.value()))
                .toArray(PplExpressionNode[]::new));
    }

    /** Matches positional and named arguments to a builtin's parameters, or explains what is wrong. */
    private PplExpressionNode[] bind(PplBuiltin builtin, Ast.Call c) {
        List<String> params = builtin.parameters();
        PplExpressionNode[] bound = new PplExpressionNode[params.size()];
        List<PplExpressionNode> rest = new ArrayList<>();
        int position = 0;
        boolean seenNamed = false;
        boolean trailing = org.ppl4j.compiler.ast.AstBuilder.hasTrailingBlock(c);
        for (int ai = 0; ai < c.args().size(); ai++) {
            Ast.Arg a = c.args().get(ai);
            if (a.name() == null && seenNamed && trailing && ai == c.args().size() - 1) {
                // a trailing block after named arguments fills the first parameter still unbound
                while (position < params.size() && bound[position] != null) {
                    position++;
                }
                if (position >= params.size()) {
                    throw arity(builtin, c);
                }
                bound[position++] = expr(a.value());
                continue;
            }
            if (a.name() == null) {
                if (seenNamed) {
                    throw new CompileError("a positional argument cannot follow a named one", a.value().span());
                }
                if (builtin.variadic() && position >= params.size() - 1) {
                    rest.add(expr(a.value()));
                    position++;
                    continue;
                }
                if (position >= params.size()) {
                    throw arity(builtin, c);
                }
                bound[position++] = expr(a.value());
            } else {
                seenNamed = true;
                int k = params.indexOf(a.name());
                if (k < 0) {
                    String hint = Suggestions.closest(a.name(), params);
                    throw new CompileError(builtin.name() + " has no parameter '" + a.name() + "'; its parameters are "
                            + String.join(", ", params) + (hint == null ? "" : " (did you mean '" + hint + "'?)"),
                            a.nameSpan());
                }
                if (bound[k] != null) {
                    throw new CompileError("the argument '" + a.name() + "' is given twice", a.nameSpan());
                }
                bound[k] = ResolvePass.isStrategyTable(c, a) ? strategyTable((Ast.RecordLit) a.value()) : expr(a.value());
            }
        }
        if (builtin.variadic()) {
            int last = params.size() - 1;
            if (bound[last] == null) {
                bound[last] = new PplListNode(rest.toArray(new PplExpressionNode[0]));
                bound[last].at(section(c.span()));
            }
        }
        for (int i = 0; i < builtin.required(); i++) {
            if (bound[i] == null) {
                if (builtin.distributionFamily() == null || builtin.required() > 0) {
                    throw arity(builtin, c);
                }
            }
        }
        return bound;
    }

    /** fit's {@code estimators:} table, with each strategy built (and checked) at compile time. */
    private PplExpressionNode strategyTable(Ast.RecordLit r) {
        PplExpressionNode[] values = new PplExpressionNode[r.values().size()];
        for (int i = 0; i < values.length; i++) {
            Ast.Expr v = r.values().get(i);
            values[i] = ResolvePass.namesStrategy(v) ? at(new PplLiteralNode(EstimatePass.strategy(v)), v.span()) : expr(v);
        }
        return at(new PplRecordNode(r.keys().toArray(new String[0]), values), r.span());
    }

    private static CompileError arity(PplBuiltin builtin, Ast.Call c) {
        int n = builtin.parameters().size();
        String count = builtin.variadic() ? "at least " + builtin.required()
                : builtin.required() == n ? Integer.toString(n) : builtin.required() + " to " + n;
        return new CompileError(builtin.name() + " takes " + count + " argument" + (n == 1 ? "" : "s") + " ("
                + String.join(", ", builtin.parameters()) + "), got " + c.args().size(), c.span());
    }

    static PplExpressionNode nothing() {
        return new PplLiteralNode(PplNothing.INSTANCE);
    }
}
