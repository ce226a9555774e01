/* Expressions of the toy language, parsed by a shunting-yard loop (an
 * operator stack and a value stack, no recursion) and emitted as they are
 * reduced. Values are i64; comparisons and logic give 0 or 1; `&&` and
 * `||` evaluate both sides. Precedence, lowest first: `||`, `&&`, `== !=`,
 * `< <= > >=`, `+ -`, `* / %`, prefix `-` and `!`. */
#include <stdlib.h>
#include <string.h>

#include "parse.h"

typedef enum op_kind { OK_BINARY, OK_PREFIX, OK_PAREN, OK_CALL } op_kind;

typedef struct op_entry {
    op_kind kind;
    tok_kind op;
    uint32_t callee; /* calls: index into fns */
    uint32_t argc;   /* calls: arguments complete so far */
    uint32_t base;   /* calls: values below the first argument */
    const token *at;
} op_entry;

typedef struct stacks {
    op_entry *ops;
    uint32_t nops, ocap;
    clif_value *vals;
    uint32_t nvals, vcap;
} stacks;

static void push_op(stacks *s, op_entry e) {
    if (s->nops == s->ocap) {
        s->ocap = s->ocap ? 2 * s->ocap : 16;
        s->ops = realloc(s->ops, s->ocap * sizeof *s->ops);
        if (!s->ops) abort();
    }
    s->ops[s->nops++] = e;
}

static void push_val(stacks *s, clif_value v) {
    if (s->nvals == s->vcap) {
        s->vcap = s->vcap ? 2 * s->vcap : 16;
        s->vals = realloc(s->vals, s->vcap * sizeof *s->vals);
        if (!s->vals) abort();
    }
    s->vals[s->nvals++] = v;
}

static int precedence(tok_kind k) {
    switch (k) {
    case T_OR: return 1;
    case T_AND: return 2;
    case T_EQ:
    case T_NE: return 3;
    case T_LT:
    case T_LE:
    case T_GT:
    case T_GE: return 4;
    case T_PLUS:
    case T_MINUS: return 5;
    case T_STAR:
    case T_SLASH:
    case T_PERCENT: return 6;
    default: return 0;
    }
}
#define PREFIX_PRECEDENCE 7

static clif_value bool_to_i64(clif_fb *fb, clif_value b) {
    return clif_fb_unary(fb, CLIF_OP_UEXTEND, CLIF_I64, b);
}

static clif_value nonzero(clif_fb *fb, clif_value v) {
    return clif_fb_icmp(fb, CLIF_ICC_NE, v, clif_fb_iconst(fb, CLIF_I64, 0));
}

static clif_value emit_binary(clif_fb *fb, tok_kind op, clif_value a, clif_value b) {
    switch (op) {
    case T_PLUS: return clif_fb_binary(fb, CLIF_OP_IADD, a, b);
    case T_MINUS: return clif_fb_binary(fb, CLIF_OP_ISUB, a, b);
    case T_STAR: return clif_fb_binary(fb, CLIF_OP_IMUL, a, b);
    case T_SLASH: return clif_fb_binary(fb, CLIF_OP_SDIV, a, b);
    case T_PERCENT: return clif_fb_binary(fb, CLIF_OP_SREM, a, b);
    case T_EQ: return bool_to_i64(fb, clif_fb_icmp(fb, CLIF_ICC_EQ, a, b));
    case T_NE: return bool_to_i64(fb, clif_fb_icmp(fb, CLIF_ICC_NE, a, b));
    case T_LT: return bool_to_i64(fb, clif_fb_icmp(fb, CLIF_ICC_SLT, a, b));
    case T_LE: return bool_to_i64(fb, clif_fb_icmp(fb, CLIF_ICC_SLE, a, b));
    case T_GT: return bool_to_i64(fb, clif_fb_icmp(fb, CLIF_ICC_SGT, a, b));
    case T_GE: return bool_to_i64(fb, clif_fb_icmp(fb, CLIF_ICC_SGE, a, b));
    case T_AND:
        return bool_to_i64(fb, clif_fb_binary(fb, CLIF_OP_BAND, nonzero(fb, a), nonzero(fb, b)));
    case T_OR:
        return bool_to_i64(fb, clif_fb_binary(fb, CLIF_OP_BOR, nonzero(fb, a), nonzero(fb, b)));
    default: return CLIF_NONE;
    }
}

/* Applies the operator on top of the stack to its operands. */
static void reduce(parser *p, stacks *s) {
    op_entry e = s->ops[--s->nops];
    if (e.kind == OK_PREFIX) {
        clif_value x = s->vals[--s->nvals];
        clif_value r = e.op == T_MINUS
                           ? clif_fb_unary(p->fb, CLIF_OP_INEG, CLIF_TYPE_INVALID, x)
                           : bool_to_i64(p->fb, clif_fb_icmp(p->fb, CLIF_ICC_EQ, x,
                                                             clif_fb_iconst(p->fb, CLIF_I64, 0)));
        push_val(s, r);
        return;
    }
    clif_value b = s->vals[--s->nvals];
    clif_value a = s->vals[--s->nvals];
    push_val(s, emit_binary(p->fb, e.op, a, b));
}

/* Emits the call on top of the operator stack with its arguments. */
static bool emit_call(parser *p, stacks *s) {
    op_entry e = s->ops[--s->nops];
    const toy_fn *fn = &p->fns[e.callee];
    if (e.argc != fn->nparams)
        return toy_fail(p, e.at, "%.*s takes %u argument%s, not %u", (int)fn->len, fn->name,
                        fn->nparams, fn->nparams == 1 ? "" : "s", e.argc);
    if (p->refs[e.callee] == CLIF_NONE)
        p->refs[e.callee] = clif_jit_declare_func_in_func(p->jit, fn->id, p->f);
    clif_inst call = clif_fb_call(p->fb, p->refs[e.callee], s->vals + e.base, e.argc);
    s->nvals = e.base;
    push_val(s, call == CLIF_NONE ? CLIF_NONE : clif_inst_result(p->f, call, 0));
    return true;
}

static bool is_binary(tok_kind k) {
    return precedence(k) > 0;
}

bool toy_expr(parser *p, clif_value *out) {
    stacks s;
    memset(&s, 0, sizeof s);
    bool want_operand = true, ok = true;
    uint32_t open = 0; /* parentheses and calls open */
    for (;;) {
        const token *t = toy_peek(p);
        if (t->kind == T_NEWLINE && open > 0) {
            p->pos++;
            continue;
        }
        if (want_operand) {
            if (t->kind == T_NUMBER) {
                push_val(&s, clif_fb_iconst(p->fb, CLIF_I64, t->value));
                want_operand = false;
            } else if (t->kind == T_IDENT && p->t[p->pos + 1].kind == T_LPAREN) {
                uint32_t callee = toy_find_fn(p, t);
                if (callee == UINT32_MAX) {
                    ok = toy_fail(p, t, "unknown function '%.*s'", (int)t->len, t->text);
                    break;
                }
                p->pos++; /* the '(' */
                op_entry e = {OK_CALL, T_EOF, callee, 0, s.nvals, t};
                push_op(&s, e);
                open++;
                if (p->t[p->pos + 1].kind == T_RPAREN) {
                    p->pos++;
                    open--;
                    if (!(ok = emit_call(p, &s))) break;
                    want_operand = false;
                }
            } else if (t->kind == T_IDENT) {
                clif_variable v = toy_find_var(p, t);
                if (v == CLIF_NONE) {
                    ok = toy_fail(p, t, "undefined variable '%.*s'", (int)t->len, t->text);
                    break;
                }
                push_val(&s, clif_fb_use_var(p->fb, v));
                want_operand = false;
            } else if (t->kind == T_LPAREN) {
                op_entry e = {OK_PAREN, T_EOF, 0, 0, 0, t};
                push_op(&s, e);
                open++;
            } else if (t->kind == T_MINUS || t->kind == T_NOT) {
                op_entry e = {OK_PREFIX, t->kind, 0, 0, 0, t};
                push_op(&s, e);
            } else {
                ok = toy_fail(p, t, "expected an expression, found %s", toy_tok_name(t->kind));
                break;
            }
            p->pos++;
            continue;
        }
        /* An operator, a separator, or the end of the expression. */
        if (is_binary(t->kind)) {
            int prec = precedence(t->kind);
            while (s.nops > 0) {
                const op_entry *top = &s.ops[s.nops - 1];
                int tp = top->kind == OK_PREFIX   ? PREFIX_PRECEDENCE
                         : top->kind == OK_BINARY ? precedence(top->op)
                                                  : 0;
                if (tp < prec) break;
                reduce(p, &s);
            }
            op_entry e = {OK_BINARY, t->kind, 0, 0, 0, t};
            push_op(&s, e);
            want_operand = true;
            p->pos++;
            continue;
        }
        if (t->kind == T_COMMA || t->kind == T_RPAREN) {
            while (s.nops > 0 &&
                   (s.ops[s.nops - 1].kind == OK_BINARY || s.ops[s.nops - 1].kind == OK_PREFIX))
                reduce(p, &s);
            if (s.nops == 0) {
                if (t->kind == T_RPAREN)
                    ok = toy_fail(p, t, "')' without a matching '('");
                else
                    ok = toy_fail(p, t, "',' outside a call's arguments");
                break;
            }
            op_entry *top = &s.ops[s.nops - 1];
            if (t->kind == T_COMMA) {
                if (top->kind != OK_CALL) {
                    ok = toy_fail(p, t, "',' outside a call's arguments");
                    break;
                }
                top->argc++;
                want_operand = true;
            } else if (top->kind == OK_PAREN) {
                s.nops--;
                open--;
            } else {
                top->argc++;
                open--;
                if (!(ok = emit_call(p, &s))) break;
            }
            p->pos++;
            continue;
        }
        /* The end. */
        while (s.nops > 0 &&
               (s.ops[s.nops - 1].kind == OK_BINARY || s.ops[s.nops - 1].kind == OK_PREFIX))
            reduce(p, &s);
        if (s.nops > 0) {
            const op_entry *top = &s.ops[s.nops - 1];
            if (top->kind == OK_CALL)
                ok = toy_fail(p, top->at, "the call of '%.*s' misses its ')'", (int)top->at->len,
                              top->at->text);
            else
                ok = toy_fail(p, top->at, "'(' is never closed");
            break;
        }
        *out = s.vals[0];
        break;
    }
    free(s.ops);
    free(s.vals);
    if (ok && p->err) ok = false;
    return ok;
}
