/* Instructions: operands by instruction format (from the opcode table),
 * controlling-type inference, and result values at their source numbers. */
#include "reader/parser.h"

#include <stdio.h>
#include <string.h>

#define DECLARED(vec, n) ((n) < (vec).len && (vec).data[n].used)

static bool push_value(rd_parser *p, const char *msg) {
    uint32_t v;
    if (!rd_match_value(p, msg, &v)) return false;
    vec_push(p->args, v);
    return true;
}

static bool comma(rd_parser *p) {
    return rd_expect(p, T_COMMA, "expected ',' between operands");
}

/* value_list ::= [ value { "," value } ] */
static bool value_list(rd_parser *p) {
    if (!rd_at(p, T_VALUE)) return true;
    do {
        if (!push_value(p, "expected value in argument list")) return false;
    } while (rd_accept(p, T_COMMA));
    return true;
}

static bool paren_value_list(rd_parser *p) {
    return rd_expect(p, T_LPAR, "expected '(' before arguments") && value_list(p) &&
           rd_expect(p, T_RPAR, "expected ')' after arguments");
}

/* An identifier looked up by `find`; fails with msg when it is none. */
static bool match_enum(rd_parser *p, const char *msg, int (*find)(const char *, size_t),
                       uint8_t *out) {
    const rd_token *t = rd_peek(p);
    int v = t->kind == T_IDENT ? find(t->text, t->len) : -1;
    if (v < 0) return rd_fail(p, "%s", msg);
    *out = (uint8_t)v;
    rd_next(p);
    return true;
}

static bool match_trap(rd_parser *p, uint8_t *code) {
    const rd_token *t = rd_peek(p);
    clif_trap_code c = t->kind == T_IDENT ? clif_trap_from_name(t->text, t->len) : 0;
    if (c == CLIF_TRAP_NONE) return rd_fail(p, "expected trap code");
    *code = c;
    rd_next(p);
    return true;
}

static bool match_declared(rd_parser *p, rd_tok_kind k, const char *msg, const char *what,
                           bool declared(const clif_func *, uint32_t), uint32_t *num) {
    rd_token t = *rd_peek(p);
    if (!rd_match_entity(p, k, msg, num)) return false;
    if (!declared(p->f, *num))
        return rd_fail_at(p, t.line, t.col, "undefined %s %.*s", what, (int)t.len, t.text);
    return true;
}

static bool fn_declared(const clif_func *f, uint32_t n) {
    return DECLARED(f->ext_funcs, n);
}
static bool sig_declared(const clif_func *f, uint32_t n) {
    return DECLARED(f->sigs, n);
}
static bool ss_declared(const clif_func *f, uint32_t n) {
    return DECLARED(f->stack_slots, n) && f->stack_slots.data[n].kind == CLIF_SS_EXPLICIT;
}
static bool gv_declared(const clif_func *f, uint32_t n) {
    return DECLARED(f->gvs, n);
}
static bool dss_declared(const clif_func *f, uint32_t n) {
    return DECLARED(f->stack_slots, n) && f->stack_slots.data[n].kind == CLIF_SS_EXPLICIT_DYNAMIC;
}
static bool const_declared(const clif_func *f, uint32_t n) {
    return DECLARED(f->constants, n) && !f->constants.data[n].anon;
}

static bool match_fn(rd_parser *p, uint32_t *fn) {
    return match_declared(p, T_FN, "expected function reference", "function", fn_declared, fn);
}
static bool match_sig(rd_parser *p, uint32_t *sig) {
    return match_declared(p, T_SIG, "expected signature reference", "signature", sig_declared, sig);
}

/* exception-table ::= sig "," block-call "," "[" [ item { "," item } ] "]"
 * item ::= tagN ":" block-call | "default" ":" block-call | "context" value */
static bool exception_table(rd_parser *p, uint32_t *index) {
    clif_func *f = p->f;
    extable_data et;
    if (!match_sig(p, &et.sig) ||
        !rd_expect(p, T_COMMA, "expected ',' after the signature of an exception table") ||
        !rd_parse_block_call(p, "expected normal-return destination block", &et.normal) ||
        !rd_expect(p, T_COMMA, "expected ',' after the normal-return destination") ||
        !rd_expect(p, T_LBRACKET, "expected '[' before exception table entries"))
        return false;
    et.items = f->extable_items.len;
    while (!rd_at(p, T_RBRACKET)) {
        const rd_token *t = rd_peek(p);
        extable_item it = {EXI_DEFAULT, 0, 0};
        if (t->kind == T_TAG) {
            if (!rd_check_number(p, t)) return false;
            it.kind = EXI_TAG;
            it.tag = t->num;
            rd_next(p);
        } else if (rd_at_ident(p, "context")) {
            rd_next(p);
            it.kind = EXI_CONTEXT;
            if (!rd_match_value(p, "expected context value", &it.call)) return false;
        } else if (rd_at_ident(p, "default")) {
            rd_next(p);
        } else {
            return rd_fail(p, "expected exception table entry: tagN, default or context");
        }
        if (it.kind != EXI_CONTEXT &&
            (!rd_expect(p, T_COLON, "expected ':' after exception tag") ||
             !rd_parse_block_call(p, "expected exception handler block", &it.call)))
            return false;
        vec_push(f->extable_items, it);
        if (!rd_accept(p, T_COMMA)) break;
    }
    if (!rd_expect(p, T_RBRACKET, "expected ']' after exception table entries")) return false;
    et.nitems = f->extable_items.len - et.items;
    vec_push(f->extables, et);
    *index = f->extables.len - 1;
    return true;
}

/* jump-table ::= "[" [ block-call { "," block-call } ] "]"; the default call
 * was just added, so the table's calls are consecutive with it. */
static bool jump_table(rd_parser *p, uint32_t deflt, uint32_t *index) {
    clif_func *f = p->f;
    uint32_t call;
    if (!rd_expect(p, T_LBRACKET, "expected '[' before jump table contents")) return false;
    if (!rd_at(p, T_RBRACKET)) {
        do {
            if (!rd_parse_block_call(p, "expected jump_table entry", &call)) return false;
        } while (rd_accept(p, T_COMMA));
        if (!rd_expect(p, T_RBRACKET, "expected ']' after jump table contents")) return false;
    } else {
        rd_next(p);
    }
    jump_table_data jt = {deflt, f->block_calls.len - deflt};
    vec_push(f->jump_tables, jt);
    *index = f->jump_tables.len - 1;
    return true;
}

static unsigned imm_bits(clif_type t) {
    switch (t) {
    case CLIF_I8: return 8;
    case CLIF_I16: return 16;
    case CLIF_I32: return 32;
    case CLIF_I64: return 64;
    default: return 0;
    }
}

static uint32_t anon_constant(rd_parser *p, const uint8_t *bytes, uint32_t len) {
    return rd_intern_constant(p, bytes, len, true);
}

/* Parses the operands of `op` into d and p->args. */
static bool parse_operands(rd_parser *p, clif_opcode op, clif_type explicit_type, inst_data *d) {
    const clif_opcode_info *info = clif_opcode_info_of(op);
    uint8_t bytes[16];
    uint32_t len;
    rd_u128 v;
    switch ((clif_format)info->format) {
    case CLIF_FMT_NULLARY: return true;
    case CLIF_FMT_UNARY: return push_value(p, "expected SSA value operand");
    case CLIF_FMT_UNARY_IMM: {
        unsigned bits = imm_bits(explicit_type);
        char msg[64];
        if (!bits) return rd_fail(p, "expected one of the following type: i8, i16, i32 or i64");
        snprintf(msg, sizeof msg, "expected immediate %u-bit integer operand", bits);
        if (!rd_match_imm_bits(p, msg, bits, &v)) return false;
        d->imm = v.lo;
        return true;
    }
    case CLIF_FMT_UNARY_IEEE16:
    case CLIF_FMT_UNARY_IEEE32:
    case CLIF_FMT_UNARY_IEEE64: {
        clif_type t = info->format == CLIF_FMT_UNARY_IEEE16   ? CLIF_F16
                      : info->format == CLIF_FMT_UNARY_IEEE32 ? CLIF_F32
                                                              : CLIF_F64;
        char msg[64];
        snprintf(msg, sizeof msg, "expected immediate %u-bit float operand", clif_type_bits(t));
        if (!rd_match_float(p, msg, t, &v)) return false;
        d->imm = v.lo;
        return true;
    }
    case CLIF_FMT_UNARY_CONST:
        if (rd_at(p, T_CONST))
            return match_declared(p, T_CONST, "expected constant number: const«n»", "constant",
                                  const_declared, &d->ent);
        if (op == CLIF_OP_F128CONST) {
            if (!rd_match_float(p, "expected immediate 128-bit float operand", CLIF_F128, &v))
                return false;
            for (unsigned i = 0; i < 16; i++)
                bytes[i] = (uint8_t)(i < 8 ? v.lo >> (8 * i) : v.hi >> (8 * (i - 8)));
            d->ent = anon_constant(p, bytes, 16);
            return true;
        }
        if (explicit_type == CLIF_TYPE_INVALID)
            return rd_fail(p, "Expected either a const entity or a typed value, e.g. "
                              "inst.i32x4 [...]");
        if (!rd_match_constant_data(p, explicit_type, bytes, &len)) return false;
        d->ent = anon_constant(p, bytes, len);
        return true;
    case CLIF_FMT_UNARY_GV:
        return match_declared(p, T_GV, "expected global value", "global value", gv_declared,
                              &d->ent);
    case CLIF_FMT_BINARY:
        return push_value(p, "expected SSA value first operand") && comma(p) &&
               push_value(p, "expected SSA value second operand");
    case CLIF_FMT_BINARY_IMM8:
        return push_value(p, "expected SSA value first operand") && comma(p) &&
               rd_match_uimm8(p, "expected unsigned 8-bit immediate", &d->lane);
    case CLIF_FMT_TERNARY:
        return push_value(p, "expected SSA value control operand") && comma(p) &&
               push_value(p, "expected SSA value true operand") && comma(p) &&
               push_value(p, "expected SSA value false operand");
    case CLIF_FMT_TERNARY_IMM8:
        return push_value(p, "expected SSA value first operand") && comma(p) &&
               push_value(p, "expected SSA value last operand") && comma(p) &&
               rd_match_uimm8(p, "expected 8-bit immediate", &d->lane);
    case CLIF_FMT_SHUFFLE:
        if (!push_value(p, "expected SSA value first operand") || !comma(p) ||
            !push_value(p, "expected SSA value second operand") || !comma(p) ||
            !rd_match_constant_data(p, clif_type_vector(CLIF_I8, 4), bytes, &len))
            return false;
        d->ent = anon_constant(p, bytes, len);
        return true;
    case CLIF_FMT_INT_COMPARE:
        return match_enum(p, "expected intcc condition code", clif_intcc_from_name, &d->cond) &&
               push_value(p, "expected SSA value first operand") && comma(p) &&
               push_value(p, "expected SSA value second operand");
    case CLIF_FMT_FLOAT_COMPARE:
        return match_enum(p, "expected floatcc condition code", clif_floatcc_from_name, &d->cond) &&
               push_value(p, "expected SSA value first operand") && comma(p) &&
               push_value(p, "expected SSA value second operand");
    case CLIF_FMT_INT_ADD_TRAP:
        return push_value(p, "expected SSA value operand") && comma(p) &&
               push_value(p, "expected SSA value operand") && comma(p) && match_trap(p, &d->trap);
    case CLIF_FMT_JUMP: return rd_parse_block_call(p, "expected jump destination block", &d->ent);
    case CLIF_FMT_BRIF: {
        uint32_t second;
        return push_value(p, "expected SSA value control operand") && comma(p) &&
               rd_parse_block_call(p, "expected branch then block", &d->ent) && comma(p) &&
               rd_parse_block_call(p, "expected branch else block", &second);
    }
    case CLIF_FMT_BRANCH_TABLE: {
        uint32_t deflt;
        return push_value(p, "expected SSA value operand") && comma(p) &&
               rd_parse_block_call(p, "expected branch destination block", &deflt) && comma(p) &&
               jump_table(p, deflt, &d->ent);
    }
    case CLIF_FMT_TRAP: return match_trap(p, &d->trap);
    case CLIF_FMT_COND_TRAP:
        return push_value(p, "expected SSA value operand") && comma(p) && match_trap(p, &d->trap);
    case CLIF_FMT_MULTIARY: return value_list(p);
    case CLIF_FMT_CALL: return match_fn(p, &d->ent) && paren_value_list(p);
    case CLIF_FMT_CALL_INDIRECT:
        return match_sig(p, &d->ent) && comma(p) &&
               push_value(p, "expected SSA value callee operand") && paren_value_list(p);
    case CLIF_FMT_TRY_CALL: {
        uint32_t fn;
        if (!match_fn(p, &fn) || !paren_value_list(p) || !comma(p)) return false;
        d->imm = fn;
        return exception_table(p, &d->ent);
    }
    case CLIF_FMT_TRY_CALL_INDIRECT:
        return push_value(p, "expected SSA value callee operand") && paren_value_list(p) &&
               comma(p) && exception_table(p, &d->ent);
    case CLIF_FMT_FUNC_ADDR: return match_fn(p, &d->ent);
    case CLIF_FMT_STACK_LOAD:
        return match_declared(p, T_SS, "expected stack slot number: ss«n»", "stack slot",
                              ss_declared, &d->ent) &&
               rd_optional_offset32(p, &d->offset);
    case CLIF_FMT_DYNAMIC_STACK_LOAD:
        return match_declared(p, T_DSS, "expected dynamic stack slot number: dss«n»",
                              "dynamic stack slot", dss_declared, &d->ent);
    case CLIF_FMT_LOAD:
        return rd_optional_memflags(p, &d->memflags) &&
               push_value(p, "expected SSA value address") && rd_optional_offset32(p, &d->offset);
    case CLIF_FMT_LOAD_NO_OFFSET:
        return rd_optional_memflags(p, &d->memflags) && push_value(p, "expected SSA value address");
    case CLIF_FMT_STORE:
        return rd_optional_memflags(p, &d->memflags) &&
               push_value(p, "expected SSA value operand") && comma(p) &&
               push_value(p, "expected SSA value address") && rd_optional_offset32(p, &d->offset);
    case CLIF_FMT_STORE_NO_OFFSET:
        return rd_optional_memflags(p, &d->memflags) &&
               push_value(p, "expected SSA value operand") && comma(p) &&
               push_value(p, "expected SSA value address");
    case CLIF_FMT_ATOMIC_RMW:
        return rd_optional_memflags(p, &d->memflags) &&
               match_enum(p, "expected AtomicRmwOp", clif_atomic_op_from_name, &d->cond) &&
               push_value(p, "expected SSA value address") && comma(p) &&
               push_value(p, "expected SSA value operand");
    case CLIF_FMT_ATOMIC_CAS:
        return rd_optional_memflags(p, &d->memflags) &&
               push_value(p, "expected SSA value address") && comma(p) &&
               push_value(p, "expected SSA value expected operand") && comma(p) &&
               push_value(p, "expected SSA value replacement operand");
    case CLIF_FMT_EXCEPTION_HANDLER_ADDRESS: {
        const rd_token *t = rd_peek(p);
        if (t->kind != T_BLOCK) return rd_fail(p, "expected block");
        if (!rd_check_number(p, t) || !rd_ensure_block(p, t)) return false;
        d->ent = t->num;
        rd_next(p);
        return comma(p) && rd_match_imm64(p, "expected immediate handler index", &d->imm);
    }
    case CLIF_FMT_COUNT: break;
    }
    return rd_fail(p, "unsupported: instruction format %s", clif_format_name(info->format));
}

/* An example type of a typeset, for messages. */
static const char *example_type(clif_typeset ts) {
    switch (ts) {
    case CLIF_TS_FLTV: return "f32";
    case CLIF_TS_EXT32: return "i64";
    case CLIF_TS_VEC:
    case CLIF_TS_IVEC:
    case CLIF_TS_I32X4: return "i32x4";
    case CLIF_TS_I8X16: return "i8x16";
    case CLIF_TS_I16X8: return "i16x8";
    case CLIF_TS_I64X2: return "i64x2";
    case CLIF_TS_DYN: return "i32x4xN";
    default: return "i32";
    }
}

static bool is_value_defined(const clif_func *f, uint32_t v) {
    return v < f->values.len && f->values.data[v].kind != VK_UNUSED;
}

/* The controlling type: the suffix, or the designated operand's type. */
static bool infer_ctrl(rd_parser *p, clif_opcode op, clif_type explicit_type, uint32_t line,
                       uint32_t col, clif_type *out) {
    const clif_opcode_info *info = clif_opcode_info_of(op);
    clif_type ctrl = explicit_type;
    char name[32];
    if (ctrl == CLIF_TYPE_INVALID && info->ctrl >= CLIF_CTRL_ARG0) {
        uint32_t k = (uint32_t)(info->ctrl - CLIF_CTRL_ARG0);
        if (k >= p->args.len) return rd_fail_at(p, line, col, "missing operand for %s", info->name);
        uint32_t v = p->args.data[k];
        if (!is_value_defined(p->f, v))
            return rd_fail_at(p, line, col,
                              "type variable required for polymorphic opcode, e.g. '%s.%s'; "
                              "can't infer from v%u which is not yet defined",
                              info->name, example_type(info->typeset), v);
        ctrl = p->f->values.data[v].type;
        if (ctrl == CLIF_TYPE_INVALID)
            return rd_fail_at(p, line, col,
                              "type variable required for polymorphic opcode, e.g. '%s.%s'; "
                              "can't infer from v%u which is not yet resolved",
                              info->name, example_type(info->typeset), v);
    } else if (ctrl == CLIF_TYPE_INVALID && info->ctrl == CLIF_CTRL_SUFFIX) {
        return rd_fail_at(p, line, col,
                          "type variable required for polymorphic opcode, e.g. '%s.%s'", info->name,
                          example_type(info->typeset));
    }
    if (info->ctrl != CLIF_CTRL_NONE) {
        if (!clif_typeset_contains((clif_typeset)info->typeset, ctrl))
            return rd_fail_at(p, line, col, "%s is not a valid typevar for %s",
                              clif_type_name(ctrl, name, sizeof name), info->name);
    } else if (ctrl != CLIF_TYPE_INVALID) {
        return rd_fail_at(p, line, col, "%s does not take a typevar", info->name);
    }
    *out = ctrl;
    return true;
}

/* The `.type` or `.dtN` suffix, if any. */
static bool parse_suffix(rd_parser *p, clif_type *t) {
    *t = CLIF_TYPE_INVALID;
    if (!rd_accept(p, T_DOT)) return true;
    const rd_token *tok = rd_peek(p);
    if (tok->kind == T_TYPE) return rd_match_type(p, "expected type after 'opcode.'", t);
    uint32_t dt;
    if (tok->kind != T_DT) return rd_fail(p, "expected type after 'opcode.'");
    if (!rd_match_entity(p, T_DT, "expected dynamic type", &dt)) return false;
    if (!DECLARED(p->f->dyn_types, dt)) return rd_fail(p, "undefined dynamic type dt%u", dt);
    *t = (clif_type)(p->f->dyn_types.data[dt].base | CLIF_TYPE_DYN);
    return true;
}

bool rd_parse_instruction(rd_parser *p, uint32_t line, uint32_t col) {
    clif_func *f = p->f;
    const rd_token *t = rd_peek(p);
    if (t->kind != T_IDENT) return rd_fail(p, "expected instruction opcode");
    clif_opcode op = clif_opcode_from_name(t->text, t->len);
    if (op == CLIF_OP_INVALID) return rd_fail(p, "Unknown opcode: '%.*s'", (int)t->len, t->text);
    uint32_t opline = t->line, opcol = t->col;
    rd_next(p);
    clif_type explicit_type, ctrl = CLIF_TYPE_INVALID;
    if (!parse_suffix(p, &explicit_type)) return false;

    inst_data d;
    memset(&d, 0, sizeof d);
    d.opcode = (uint16_t)op;
    d.srcline = opline;
    p->args.len = 0;
    if (!parse_operands(p, op, explicit_type, &d) ||
        !infer_ctrl(p, op, explicit_type, opline, opcol, &ctrl))
        return false;
    d.ctrl = ctrl;
    d.args = ir_pool_append(f, p->args.data, p->args.len);
    d.nargs = p->args.len;
    clif_inst i = ir_add_inst(f, &d);
    ir_append_inst(f, p->block, i);

    /* Results: as many as the opcode (or the callee's signature) gives. */
    clif_sig_ref s = ir_inst_call_sig(f, &d);
    uint32_t max = s < f->sigs.len ? f->sigs.data[s].nreturns : 0;
    if (max < 2) max = 2;
    vec_reserve(p->types, max);
    int n = ir_result_types(f, &d, p->types.data, max);
    char name[32];
    if (n < 0)
        return rd_fail_at(p, opline, opcol, "%s has no valid result type for %s",
                          clif_opcode_info_of(op)->name, clif_type_name(ctrl, name, sizeof name));
    if ((uint32_t)n != p->results.len)
        return rd_fail_at(p, line, col, "instruction produces %d result values, %u given", n,
                          p->results.len);
    for (uint32_t k = 0; k < p->results.len; k++) {
        value_data *vd = &f->values.data[p->results.data[k]];
        vd->type = p->types.data[k];
        vd->kind = VK_RESULT;
        vd->num = k;
        vd->owner = i;
    }
    f->insts.data[i].results = ir_pool_append(f, p->results.data, p->results.len);
    f->insts.data[i].nresults = p->results.len;
    return true;
}
