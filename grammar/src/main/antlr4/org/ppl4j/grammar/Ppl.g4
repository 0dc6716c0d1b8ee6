// The ppl4j grammar: syntax only. Names, scopes and meaning are the compiler's job.
grammar Ppl;

@parser::members {
/**
 * A block right after a call's ')' is the call's trailing block (a lambda with no parameters, bound as the
 * last argument: {@code replicate(k) { ... }}), except where the call is directly in the head of an if or a
 * for, where the block is the statement's body: {@code if ok(x) { ... }}. Inside brackets of any kind a
 * trailing block is allowed again: {@code if all(replicate(3) { f() }) { ... }}.
 */
boolean trailingBlockAllowed() {
    for (ParserRuleContext c = _ctx; c != null; c = c.getParent()) {
        if (c instanceof IfStatementContext || c instanceof ForStmtContext) {
            return false;
        }
        if (c instanceof ArgContext || c instanceof BlockContext || c instanceof ListExprContext
                || c instanceof ParenExprContext || c instanceof EntryContext || c instanceof IndexExprContext
                || c instanceof StrategyContext || c instanceof AddressContext) {
            return true;
        }
    }
    return true;
}

/**
 * A '[' starts a subscript only on the line where the expression before it ends; on a new line it starts a
 * list (the value of a block that ends in [a, b] after a call on the line before).
 */
boolean sameLine() {
    Token previous = _input.LT(-1);
    return previous == null || _input.LT(1).getLine() == previous.getLine();
}
}

program     : item* EOF ;

item        : declaration | statement ;

declaration : kind=('model' | 'objective' | 'fn') name=ID '(' paramList? ')' block ;

paramList   : ID (',' ID)* ','? ;

block       : '{' statement* '}' ;

statement
    : 'let' ID '=' address '~' expr ('by' strategy)? ';'?      # letSampleStmt
    | 'let' ID '=' expr ';'?                                   # letStmt
    | 'param' ID '=' expr (':' constraint=ID)? ';'?            # paramStmt
    | address '~' expr ('by' strategy)? ';'?                   # sampleStmt
    | 'track' address '=' expr ';'?                            # trackStmt
    | 'for' ID 'in' from=expr ('..' to=expr)? block            # forStmt
    | ifStatement                                              # ifStmt
    | 'local' ('(' argList? ')')? block                        # localStmt
    | 'return' expr ';'?                                       # returnStmt
    | ID '=' expr ';'?                                         # assignStmt
    | declaration                                              # nestedDeclStmt
    | expr ';'?                                                # exprStmt
    ;

ifStatement : 'if' expr thenBlock=block ('else' (elseBlock=block | elseIf=ifStatement))? ;

address     : ID ('[' expr ']')* ;

strategy    : ID ('(' argList? ')')? ;

expr
    : expr '.' memberName                                      # memberExpr
    | expr '(' argList? ')' ({trailingBlockAllowed()}? trailing=block)?   # callExpr
    | expr {sameLine()}? '[' subscript (',' subscript)* ']'     # indexExpr
    | <assoc=right> expr '^' expr                              # powExpr
    | op=('-' | '!') expr                                      # unaryExpr
    | expr op=('*' | '/' | '%' | '@') expr                     # mulExpr
    | expr op=('+' | '-') expr                                 # addExpr
    | expr op=('<' | '<=' | '>' | '>=') expr                   # compareExpr
    | expr op=('==' | '!=') expr                               # equalExpr
    | expr '&&' expr                                           # andExpr
    | expr '||' expr                                           # orExpr
    | 'choices' '{' (entry (',' entry)* ','?)? '}'             # choicesExpr
    | 'fn' '(' paramList? ')' block                            # lambdaExpr
    | '{' (entry (',' entry)* ','?)? '}'                       # recordExpr
    | '[' (expr (',' expr)* ','?)? ']'                         # listExpr
    | '(' expr ')'                                             # parenExpr
    | NUMBER                                                   # numberExpr
    | STRING                                                   # stringExpr
    | ('true' | 'false')                                       # boolExpr
    | ID                                                       # nameExpr
    ;

// Fields may be named like keywords: result.objective, trace.model.
// x[i], x[i, j], and NumPy-style ranges x[a:b], x[:, k], x[::2] (each bound optional).
subscript   : expr                                                       # pointSub
            | lo=expr? ':' hi=expr? (':' step=expr?)?                    # rangeSub
            ;

memberName  : ID | 'local' | 'model' | 'objective' | 'fn' | 'param' | 'track' | 'let' | 'choices' | 'for' | 'in' | 'if' | 'else' | 'return' | 'by' | 'true' | 'false' ;

entry       : key=(ID | STRING) ':' expr ;

argList     : arg (',' arg)* ','? ;

arg         : (name=ID ':')? expr ;

NUMBER      : DIGITS ('.' DIGITS)? EXPONENT? | '.' DIGITS EXPONENT? ;
fragment DIGITS   : [0-9] ([0-9_]* [0-9])? ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
STRING      : '"' (~["\\\r\n] | '\\' .)* '"' ;
ID          : [a-zA-Z_] [a-zA-Z_0-9]* ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS            : [ \t\r\n]+ -> skip ;
// Anything else is handed to the parser as one bad character, so the error names it.
BAD_CHAR      : . ;
