package org.ppl4j.compiler.passes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.ParseTree;
import org.ppl4j.compiler.CompileError;
import org.ppl4j.compiler.ast.Ast;
import org.ppl4j.compiler.ast.AstBuilder;
import org.ppl4j.compiler.ast.Span;
import org.ppl4j.grammar.PplLexer;
import org.ppl4j.grammar.PplParser;

/**
 * Source text to AST. The first syntax error stops the pass with a message in the user's terms.
 *
 * <p>Two guards keep any input from crashing or stalling the front end:
 * <ul>
 * <li>Nesting is limited to {@link #MAX_NESTING} levels of the syntax tree (brackets, blocks, operator chains):
 * deeper input is a positioned compile error, never a {@link StackOverflowError} here or in the later passes and
 * the interpreter, which all recurse over the tree. It is enforced three times: on the brackets of the token
 * stream before parsing, on the parser's rule depth while parsing, and on the finished tree (operator chains
 * such as {@code 1 + 1 + ...} are parsed in a loop but still build a deep tree).
 * <li>The parse runs in ANTLR's fast SLL mode first and falls back to full LL only when SLL finds an error:
 * with optional semicolons, {@code a - b - c ...} and {@code x[0][0] ...} are ambiguous and full LL prediction
 * looks ahead to the end of such chains at every operator (seconds for a few hundred operators).
 * </ul>
 */
public final class ParsePass {
    /**
     * The deepest syntax tree accepted. A level is one rule of the grammar: one per parenthesis, list, unary
     * operator or operator in a chain ({@code 1 + 2 + ...}), two to three per block, call or choices literal.
     * Chosen so that every later pass (resolve, estimate, lower) and the interpreter stay within Java's default
     * 1 MB thread stack with room to spare (lowering nested lists, the hungriest, overflows 1 MB near 730 levels).
     */
    public static final int MAX_NESTING = 500;

    private ParsePass() {
    }

    public static Ast.Program parse(String text) {
        PplLexer lexer = new PplLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        checkBrackets(tokens);
        GuardedParser parser = new GuardedParser(tokens);
        parser.removeErrorListeners();
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setErrorHandler(new BailErrorStrategy());
        PplParser.ProgramContext tree;
        try {
            tree = parser.program();
        } catch (ParseCancellationException sllFailed) {
            tokens.seek(0);
            parser.reset();
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            parser.setErrorHandler(new DefaultErrorStrategy());
            parser.addErrorListener(new BaseErrorListener() {
                @Override
                public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int col, String msg,
                        RecognitionException e) {
                    Token t = (Token) offending;
                    IntervalSet expected = e != null ? e.getExpectedTokens() : parser.getExpectedTokens();
                    throw error(t, expected);
                }
            });
            tree = parser.program();
        }
        checkDepth(tree);
        return new AstBuilder().program(tree);
    }

    /** Rejects input that nests too deeply, before the parser's own recursion can overflow the stack. */
    private static final class GuardedParser extends PplParser {
        private int depth;

        GuardedParser(TokenStream input) {
            super(input);
        }

        @Override
        public void enterRule(ParserRuleContext localctx, int state, int ruleIndex) {
            deeper();
            super.enterRule(localctx, state, ruleIndex);
        }

        @Override
        public void exitRule() {
            depth--;
            super.exitRule();
        }

        @Override
        public void enterRecursionRule(ParserRuleContext localctx, int state, int ruleIndex, int precedence) {
            deeper();
            super.enterRecursionRule(localctx, state, ruleIndex, precedence);
        }

        @Override
        public void unrollRecursionContexts(ParserRuleContext parentctx) {
            depth--;
            super.unrollRecursionContexts(parentctx);
        }

        @Override
        public void reset() {
            super.reset();
            depth = 0;
        }

        private void deeper() {
            if (++depth > MAX_NESTING) {
                throw tooDeep(getCurrentToken());
            }
        }
    }

    /**
     * Brackets nested deeper than the tree may be are rejected before parsing: the parser's lookahead would
     * otherwise scan the whole nest at every level (quadratic: seconds for {@code f(f(f(...} 5000 deep).
     * Every bracket pair is at least one level of the tree.
     */
    private static void checkBrackets(CommonTokenStream tokens) {
        tokens.fill();
        int depth = 0;
        for (Token t : tokens.getTokens()) {
            switch (t.getText()) {
                case "(", "[", "{" -> {
                    if (++depth > MAX_NESTING) {
                        throw tooDeep(t);
                    }
                }
                case ")", "]", "}" -> depth = Math.max(0, depth - 1);
                default -> {
                }
            }
        }
    }

    /**
     * The syntax tree's depth, walked without recursion: left-associative chains ({@code 1 + 1 + ...}) are parsed
     * in a loop but still make a deep tree.
     */
    private static void checkDepth(ParseTree root) {
        Deque<ParseTree> nodes = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        nodes.push(root);
        depths.push(1);
        while (!nodes.isEmpty()) {
            ParseTree node = nodes.pop();
            int depth = depths.pop();
            if (depth > MAX_NESTING) {
                throw tooDeep(((ParserRuleContext) node).getStart());
            }
            for (int i = node.getChildCount() - 1; i >= 0; i--) {
                ParseTree child = node.getChild(i);
                if (child instanceof ParserRuleContext) {
                    nodes.push(child);
                    depths.push(depth + 1);
                }
            }
        }
    }

    private static CompileError tooDeep(Token t) {
        boolean atEnd = t.getType() == Token.EOF;
        Span span = new Span(t.getLine(), t.getCharPositionInLine() + 1, Math.max(0, t.getStartIndex()),
                atEnd ? 0 : t.getStopIndex() - t.getStartIndex() + 1);
        return new CompileError("nesting deeper than " + MAX_NESTING + " levels (each bracket, block and chained"
                + " operator is a level); split it up with let or a fn", span);
    }

    private static CompileError error(Token t, IntervalSet expected) {
        boolean atEnd = t.getType() == Token.EOF;
        Span span = atEnd ? new Span(t.getLine(), t.getCharPositionInLine() + 1, Math.max(0, t.getStartIndex()), 0)
                : new Span(t.getLine(), t.getCharPositionInLine() + 1, t.getStartIndex(),
                        t.getStopIndex() - t.getStartIndex() + 1);
        String found = atEnd ? "end of input" : t.getType() == PplLexer.BAD_CHAR
                ? "character '" + t.getText() + "'" : "'" + t.getText() + "'";
        String expectation = describe(expected);
        String message = "unexpected " + found + (expectation.isEmpty() ? "" : "; expected " + expectation);
        return new CompileError(message, span, atEnd);
    }

    private static String describe(IntervalSet expected) {
        if (expected == null) {
            return "";
        }
        List<String> names = new ArrayList<>();
        boolean expression = false;
        for (int type : expected.toList()) {
            if (type == PplLexer.ID || type == PplLexer.NUMBER || type == PplLexer.STRING) {
                expression = true;
                continue;
            }
            String literal = PplParser.VOCABULARY.getLiteralName(type);
            if (literal != null) {
                names.add(literal);
            }
        }
        if (expression && names.size() > 6) {
            return "an expression or a statement";
        }
        if (expression) {
            names.add(0, "an expression");
        }
        if (names.size() > 8) {
            return "a statement";
        }
        return String.join(", ", names);
    }
}
