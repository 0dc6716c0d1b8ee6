package org.ppl4j.compiler.passes;

import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.ppl4j.compiler.CompileError;
import org.ppl4j.compiler.ast.Ast;
import org.ppl4j.compiler.ast.AstBuilder;
import org.ppl4j.compiler.ast.Span;
import org.ppl4j.grammar.PplLexer;
import org.ppl4j.grammar.PplParser;

/** Source text to AST. The first syntax error stops the pass with a message in the user's terms. */
public final class ParsePass {
    private ParsePass() {
    }

    public static Ast.Program parse(String text) {
        PplLexer lexer = new PplLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        PplParser parser = new PplParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int col, String msg,
                    RecognitionException e) {
                Token t = (Token) offending;
                IntervalSet expected = e != null ? e.getExpectedTokens() : parser.getExpectedTokens();
                throw error(t, expected);
            }
        });
        return new AstBuilder().program(parser.program());
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
