package org.ppl4j.compiler.ast;

import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;
import org.ppl4j.compiler.ast.Ast.Arg;
import org.ppl4j.compiler.ast.Ast.Block;
import org.ppl4j.compiler.ast.Ast.DeclKind;
import org.ppl4j.compiler.ast.Ast.Expr;
import org.ppl4j.compiler.ast.Ast.Stmt;
import org.ppl4j.grammar.PplBaseVisitor;
import org.ppl4j.grammar.PplParser;

/** Turns ANTLR's parse tree into the immutable AST. Syntax only: no names are looked up here. */
public final class AstBuilder extends PplBaseVisitor<Object> {

    public Ast.Program program(PplParser.ProgramContext ctx) {
        List<Stmt> items = new ArrayList<>();
        for (PplParser.ItemContext item : ctx.item()) {
            items.add(item.declaration() != null ? declaration(item.declaration()) : statement(item.statement()));
        }
        return new Ast.Program(items, span(ctx));
    }

    static Span span(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop() == null ? start : ctx.getStop();
        int end = Math.max(stop.getStopIndex(), start.getStartIndex() - 1);
        return new Span(start.getLine(), start.getCharPositionInLine() + 1, start.getStartIndex(),
                end - start.getStartIndex() + 1);
    }

    static Span span(Token t) {
        return new Span(t.getLine(), t.getCharPositionInLine() + 1, t.getStartIndex(),
                t.getStopIndex() - t.getStartIndex() + 1);
    }

    private static Span span(TerminalNode n) {
        return span(n.getSymbol());
    }

    private Ast.Decl declaration(PplParser.DeclarationContext ctx) {
        DeclKind kind = switch (ctx.kind.getText()) {
            case "model" -> DeclKind.MODEL;
            case "objective" -> DeclKind.OBJECTIVE;
            default -> DeclKind.FN;
        };
        List<String> params = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        if (ctx.paramList() != null) {
            for (TerminalNode id : ctx.paramList().ID()) {
                params.add(id.getText());
                spans.add(span(id));
            }
        }
        return new Ast.Decl(kind, ctx.name.getText(), span(ctx.name), params, spans, block(ctx.block()), span(ctx));
    }

    private Block block(PplParser.BlockContext ctx) {
        List<Stmt> stmts = new ArrayList<>();
        for (PplParser.StatementContext s : ctx.statement()) {
            stmts.add(statement(s));
        }
        return new Block(stmts, span(ctx));
    }

    private Stmt statement(PplParser.StatementContext ctx) {
        return (Stmt) visit(ctx);
    }

    @Override
    public Object visitLetStmt(PplParser.LetStmtContext ctx) {
        return new Ast.Let(ctx.ID().getText(), span(ctx.ID()), expr(ctx.expr()), span(ctx));
    }

    @Override
    public Object visitParamStmt(PplParser.ParamStmtContext ctx) {
        return new Ast.Param(ctx.ID(0).getText(), span(ctx.ID(0)), expr(ctx.expr()),
                ctx.constraint == null ? null : ctx.constraint.getText(),
                ctx.constraint == null ? null : span(ctx.constraint), span(ctx));
    }

    @Override
    public Object visitSampleStmt(PplParser.SampleStmtContext ctx) {
        return sample(ctx.address(), ctx.expr(), ctx.strategy(), null, ctx);
    }

    @Override
    public Object visitLetSampleStmt(PplParser.LetSampleStmtContext ctx) {
        return sample(ctx.address(), ctx.expr(), ctx.strategy(), ctx.ID().getText(), ctx);
    }

    @Override
    public Object visitTrackStmt(PplParser.TrackStmtContext ctx) {
        List<Expr> indices = new ArrayList<>();
        for (PplParser.ExprContext e : ctx.address().expr()) {
            indices.add(expr(e));
        }
        return new Ast.Track(ctx.address().ID().getText(), span(ctx.address().ID()), indices, expr(ctx.expr()),
                span(ctx));
    }

    private Ast.Sample sample(PplParser.AddressContext a, PplParser.ExprContext dist, PplParser.StrategyContext s,
            String binding, ParserRuleContext ctx) {
        List<Expr> indices = new ArrayList<>();
        for (PplParser.ExprContext e : a.expr()) {
            indices.add(expr(e));
        }
        Ast.StrategySpec strategy = null;
        if (s != null) {
            strategy = new Ast.StrategySpec(s.ID().getText(), args(s.argList()), span(s));
        }
        return new Ast.Sample(a.ID().getText(), span(a.ID()), indices, expr(dist), strategy, binding, span(ctx));
    }

    @Override
    public Object visitLocalStmt(PplParser.LocalStmtContext ctx) {
        int axes = 1;
        if (ctx.argList() != null) {
            for (Arg a : args(ctx.argList())) {
                if (!"axes".equals(a.name()) || !(a.value() instanceof Ast.Num n) || n.value() < 1
                        || n.value() != Math.rint(n.value())) {
                    throw new org.ppl4j.compiler.CompileError("local takes one option, axes: k, a whole number >= 1"
                            + " (the leading axes of its tensor choices that hold independent elements)",
                            a.value().span());
                }
                axes = (int) ((Ast.Num) a.value()).value();
            }
        }
        return new Ast.Local(block(ctx.block()), axes, span(ctx));
    }

    @Override
    public Object visitForStmt(PplParser.ForStmtContext ctx) {
        return new Ast.For(ctx.ID().getText(), span(ctx.ID()), expr(ctx.from),
                ctx.to == null ? null : expr(ctx.to), block(ctx.block()),
                span(ctx));
    }

    @Override
    public Object visitIfStmt(PplParser.IfStmtContext ctx) {
        return ifStatement(ctx.ifStatement());
    }

    private Ast.If ifStatement(PplParser.IfStatementContext ctx) {
        Block elseBlock = null;
        if (ctx.elseBlock != null) {
            elseBlock = block(ctx.elseBlock);
        } else if (ctx.elseIf != null) {
            Ast.If nested = ifStatement(ctx.elseIf);
            elseBlock = new Block(List.of(nested), nested.span());
        }
        return new Ast.If(expr(ctx.expr()), block(ctx.thenBlock), elseBlock, span(ctx));
    }

    @Override
    public Object visitReturnStmt(PplParser.ReturnStmtContext ctx) {
        return new Ast.Return(expr(ctx.expr()), span(ctx));
    }

    @Override
    public Object visitAssignStmt(PplParser.AssignStmtContext ctx) {
        return new Ast.Assign(ctx.ID().getText(), span(ctx.ID()), expr(ctx.expr()), span(ctx));
    }

    @Override
    public Object visitNestedDeclStmt(PplParser.NestedDeclStmtContext ctx) {
        return declaration(ctx.declaration());
    }

    @Override
    public Object visitExprStmt(PplParser.ExprStmtContext ctx) {
        return new Ast.ExprStmt(expr(ctx.expr()), span(ctx));
    }

    // ---------------------------------------------------------------- expressions

    private Expr expr(PplParser.ExprContext ctx) {
        return (Expr) visit(ctx);
    }

    private List<Arg> args(PplParser.ArgListContext ctx) {
        List<Arg> args = new ArrayList<>();
        if (ctx != null) {
            for (PplParser.ArgContext a : ctx.arg()) {
                args.add(new Arg(a.name == null ? null : a.name.getText(), a.name == null ? null : span(a.name),
                        expr(a.expr())));
            }
        }
        return args;
    }

    @Override
    public Object visitMemberExpr(PplParser.MemberExprContext ctx) {
        return new Ast.Member(expr(ctx.expr()), ctx.memberName().getText(), span(ctx));
    }

    @Override
    public Object visitCallExpr(PplParser.CallExprContext ctx) {
        List<Arg> args = args(ctx.argList());
        if (ctx.trailing != null) {
            // f(a) { body } is f(a, fn() { body }): the trailing block is a lambda bound as the last argument
            Block body = block(ctx.trailing);
            args.add(new Arg(null, null, new Ast.Lambda(List.of(), List.of(), body, body.span())));
        }
        return new Ast.Call(expr(ctx.expr()), args, span(ctx));
    }

    /** Whether the last argument of a call was written as a trailing block after its ')'. */
    public static boolean hasTrailingBlock(Ast.Call c) {
        if (c.args().isEmpty() || !(c.args().get(c.args().size() - 1).value() instanceof Ast.Lambda l)) {
            return false;
        }
        return l.params().isEmpty() && l.span().offset() + l.span().length() == c.span().offset() + c.span().length()
                && l.span().equals(l.body().span());
    }

    @Override
    public Object visitIndexExpr(PplParser.IndexExprContext ctx) {
        List<PplParser.SubscriptContext> subs = ctx.subscript();
        if (subs.size() == 1 && subs.get(0) instanceof PplParser.PointSubContext p) {
            return new Ast.Index(expr(ctx.expr()), expr(p.expr()), span(ctx));
        }
        List<Ast.Subscript> out = new java.util.ArrayList<>();
        for (PplParser.SubscriptContext s : subs) {
            if (s instanceof PplParser.PointSubContext p) {
                out.add(new Ast.Subscript(expr(p.expr()), null, null, null));
            } else {
                PplParser.RangeSubContext r = (PplParser.RangeSubContext) s;
                out.add(new Ast.Subscript(null, r.lo == null ? null : expr(r.lo), r.hi == null ? null : expr(r.hi),
                        r.step == null ? null : expr(r.step)));
            }
        }
        return new Ast.Slice(expr(ctx.expr()), List.copyOf(out), span(ctx));
    }

    @Override
    public Object visitPowExpr(PplParser.PowExprContext ctx) {
        return new Ast.Binary("^", expr(ctx.expr(0)), expr(ctx.expr(1)), span(ctx));
    }

    @Override
    public Object visitUnaryExpr(PplParser.UnaryExprContext ctx) {
        Expr operand = expr(ctx.expr());
        if (ctx.op.getText().equals("-") && operand instanceof Ast.Num n) {
            return new Ast.Num(-n.value(), span(ctx));
        }
        return new Ast.Unary(ctx.op.getText(), operand, span(ctx));
    }

    @Override
    public Object visitMulExpr(PplParser.MulExprContext ctx) {
        return binary(ctx.op.getText(), ctx.expr(0), ctx.expr(1), ctx);
    }

    @Override
    public Object visitAddExpr(PplParser.AddExprContext ctx) {
        return binary(ctx.op.getText(), ctx.expr(0), ctx.expr(1), ctx);
    }

    @Override
    public Object visitCompareExpr(PplParser.CompareExprContext ctx) {
        return binary(ctx.op.getText(), ctx.expr(0), ctx.expr(1), ctx);
    }

    @Override
    public Object visitEqualExpr(PplParser.EqualExprContext ctx) {
        return binary(ctx.op.getText(), ctx.expr(0), ctx.expr(1), ctx);
    }

    @Override
    public Object visitAndExpr(PplParser.AndExprContext ctx) {
        return binary("&&", ctx.expr(0), ctx.expr(1), ctx);
    }

    @Override
    public Object visitOrExpr(PplParser.OrExprContext ctx) {
        return binary("||", ctx.expr(0), ctx.expr(1), ctx);
    }

    private Expr binary(String op, PplParser.ExprContext l, PplParser.ExprContext r, ParserRuleContext ctx) {
        return new Ast.Binary(op, expr(l), expr(r), span(ctx));
    }

    /** The {@code key: value} entries of a choices or record literal; string keys are unquoted. */
    private record Entries(List<String> keys, List<Span> keySpans, List<Expr> values) {
    }

    private Entries entries(List<PplParser.EntryContext> entries) {
        Entries r = new Entries(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (PplParser.EntryContext e : entries) {
            String k = e.key.getText();
            r.keys().add(e.key.getType() == PplParser.STRING ? unquote(k) : k);
            r.keySpans().add(span(e.key));
            r.values().add(expr(e.expr()));
        }
        return r;
    }

    @Override
    public Object visitChoicesExpr(PplParser.ChoicesExprContext ctx) {
        Entries e = entries(ctx.entry());
        return new Ast.ChoicesLit(e.keys(), e.keySpans(), e.values(), span(ctx));
    }

    @Override
    public Object visitRecordExpr(PplParser.RecordExprContext ctx) {
        Entries e = entries(ctx.entry());
        return new Ast.RecordLit(e.keys(), e.keySpans(), e.values(), span(ctx));
    }

    @Override
    public Object visitLambdaExpr(PplParser.LambdaExprContext ctx) {
        List<String> params = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        if (ctx.paramList() != null) {
            for (TerminalNode id : ctx.paramList().ID()) {
                params.add(id.getText());
                spans.add(span(id));
            }
        }
        return new Ast.Lambda(params, spans, block(ctx.block()), span(ctx));
    }

    @Override
    public Object visitListExpr(PplParser.ListExprContext ctx) {
        List<Expr> elements = new ArrayList<>();
        for (PplParser.ExprContext e : ctx.expr()) {
            elements.add(expr(e));
        }
        return new Ast.ListLit(elements, span(ctx));
    }

    @Override
    public Object visitParenExpr(PplParser.ParenExprContext ctx) {
        return expr(ctx.expr());
    }

    @Override
    public Object visitNumberExpr(PplParser.NumberExprContext ctx) {
        return new Ast.Num(Double.parseDouble(ctx.getText().replace("_", "")), span(ctx));
    }

    @Override
    public Object visitStringExpr(PplParser.StringExprContext ctx) {
        return new Ast.Str(unquote(ctx.getText()), span(ctx));
    }

    @Override
    public Object visitBoolExpr(PplParser.BoolExprContext ctx) {
        return new Ast.Bool(ctx.getText().equals("true"), span(ctx));
    }

    @Override
    public Object visitNameExpr(PplParser.NameExprContext ctx) {
        return new Ast.Name(ctx.getText(), span(ctx));
    }

    private static String unquote(String s) {
        String body = s.substring(1, s.length() - 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char n = body.charAt(++i);
                sb.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
