/* Writing one instruction: results, opcode, type suffix and operands, in the
 * syntax of Cranelift's write.rs. The instruction format (from the opcode
 * table) decides the operand syntax. After the operands, a comment names the
 * immediate behind every operand that a constant instruction defines
 * (`v3 = iadd v1, v2  ; v2 = 1`), as Cranelift does. */
#include "writer/write.h"

#include "ir/immediates.h"

/* ---- Small pieces ---- */

void wr_type(strbuf *sb, clif_type t) {
    char buf[32];
    sb_puts(sb, clif_type_name(t, buf, sizeof buf));
}

void wr_value(strbuf *sb, clif_value v) {
    sb_printf(sb, "v%u", v);
}

void wr_block_arg(strbuf *sb, uint32_t arg) {
    if (CLIF_BLOCKARG_IS_VALUE(arg))
        wr_value(sb, arg);
    else if ((arg & 0xC0000000u) == 0xC0000000u)
        sb_printf(sb, "exn%u", arg & 0x3FFFFFFFu);
    else
        sb_printf(sb, "ret%u", arg & 0x3FFFFFFFu);
}

void wr_block_call(strbuf *sb, const clif_func *f, uint32_t call) {
    if (call >= f->block_calls.len) {
        sb_puts(sb, "block4294967295");
        return;
    }
    const block_call *bc = &f->block_calls.data[call];
    sb_printf(sb, "block%u", bc->block);
    if (bc->nargs == 0) return;
    if (!ir_range_ok(bc->args, bc->nargs, f->pool.len)) {
        sb_puts(sb, "(invalid)");
        return;
    }
    sb_putc(sb, '(');
    for (uint32_t k = 0; k < bc->nargs; k++) {
        if (k) sb_puts(sb, ", ");
        wr_block_arg(sb, f->pool.data[bc->args + k]);
    }
    sb_putc(sb, ')');
}

void wr_trap(strbuf *sb, clif_trap_code code) {
    char buf[16];
    sb_puts(sb, clif_trap_name(code, buf, sizeof buf));
}

void wr_memflags(strbuf *sb, clif_memflags flags) {
    clif_trap_code trap = clif_memflags_trap(flags);
    if (trap == CLIF_TRAP_NONE) {
        sb_puts(sb, " notrap");
    } else if (trap != CLIF_TRAP_HEAP_OUT_OF_BOUNDS) { /* the default code goes unsaid */
        sb_putc(sb, ' ');
        wr_trap(sb, trap);
    }
#define X(ID, N, BIT)                                                                              \
    if (flags & CLIF_MEM_##ID) sb_puts(sb, " " N);
    CLIF_MEM_FLAGS(X)
#undef X
    static const char *const regions[] = {
#define X(ID, N) N,
        CLIF_MEM_REGIONS(X)
#undef X
    };
    uint32_t region = flags >> 16;
    if (region > 0 && region <= sizeof regions / sizeof regions[0])
        sb_printf(sb, " %s", regions[region - 1]);
    else if (region > 0)
        sb_printf(sb, " region%u", region - 1); /* no such region: not readable text */
}

/* ---- Type suffix ---- */

clif_type wr_ctrl_type(const clif_func *f, const inst_data *d) {
    const clif_opcode_info *info = clif_opcode_info_of((clif_opcode)d->opcode);
    if (info->ctrl == CLIF_CTRL_NONE) return CLIF_TYPE_INVALID;
    if (d->ctrl != CLIF_TYPE_INVALID) return d->ctrl;
    if (info->ctrl == CLIF_CTRL_SUFFIX) {
        if (d->nresults == 0 || d->results >= f->pool.len) return CLIF_TYPE_INVALID;
        clif_value r = f->pool.data[d->results];
        return r < f->values.len ? f->values.data[r].type : CLIF_TYPE_INVALID;
    }
    uint32_t k = (uint32_t)(info->ctrl - CLIF_CTRL_ARG0);
    if (k >= d->nargs || !ir_range_ok(d->args, k + 1, f->pool.len)) return CLIF_TYPE_INVALID;
    clif_value v = f->pool.data[d->args + k];
    return v < f->values.len ? f->values.data[v].type : CLIF_TYPE_INVALID;
}

/* The block that defines v (after aliases), or CLIF_NONE. */
static clif_block def_block(const clif_func *f, clif_value v) {
    v = ir_resolve(f, v);
    if (v >= f->values.len) return CLIF_NONE;
    const value_data *vd = &f->values.data[v];
    if (vd->kind == VK_RESULT)
        return vd->owner < f->inodes.len ? f->inodes.data[vd->owner].block : CLIF_NONE;
    if (vd->kind == VK_PARAM) return vd->owner;
    return CLIF_NONE;
}

/* Cranelift's type_suffix: a polymorphic opcode shows its controlling type
 * unless the operand it comes from is defined in the same block (then a reader
 * has already seen that operand's type). */
static bool needs_suffix(const clif_func *f, clif_inst i, const inst_data *d) {
    const clif_opcode_info *info = clif_opcode_info_of((clif_opcode)d->opcode);
    if (info->ctrl == CLIF_CTRL_NONE) return false;
    if (info->ctrl == CLIF_CTRL_SUFFIX) return true;
    uint32_t k = (uint32_t)(info->ctrl - CLIF_CTRL_ARG0);
    if (k >= d->nargs) return true;
    clif_block b = def_block(f, f->pool.data[d->args + k]);
    return b == CLIF_NONE || b != f->inodes.data[i].block;
}

/* ---- Operands ---- */

/* Fixed value operand k (CLIF_NONE when the instruction lacks it). */
static clif_value arg(const clif_func *f, const inst_data *d, uint32_t k) {
    return k < d->nargs ? f->pool.data[d->args + k] : CLIF_NONE;
}

/* Values args[from..] separated by commas. */
static void write_values(strbuf *sb, const clif_func *f, const inst_data *d, uint32_t from) {
    for (uint32_t k = from; k < d->nargs; k++) {
        if (k > from) sb_puts(sb, ", ");
        wr_value(sb, f->pool.data[d->args + k]);
    }
}

/* ` v0, v1, ...` for the first n fixed operands. */
static void write_fixed(strbuf *sb, const clif_func *f, const inst_data *d, uint32_t n) {
    for (uint32_t k = 0; k < n; k++) {
        sb_puts(sb, k ? ", " : " ");
        wr_value(sb, arg(f, d, k));
    }
}

static void write_imm64(strbuf *sb, const clif_func *f, const inst_data *d) {
    clif_type t = wr_ctrl_type(f, d);
    imm_write_imm64(sb, imm_sext(d->imm, t ? clif_type_bits(t) : 64));
}

/* ` constN` with N as the constant is declared. */
static void write_const_ref(strbuf *sb, const clif_func *f, const wr_consts *c, uint32_t k) {
    sb_printf(sb, " const%u", k < f->constants.len ? c->num[k] : k);
}

static void write_ieee(strbuf *sb, const inst_data *d, unsigned width) {
    imm_write_ieee(sb, width, d->imm, 0);
}

const uint8_t *wr_constant_bytes(const clif_func *f, uint32_t c, uint32_t *len) {
    *len = 0;
    if (c >= f->constants.len) return NULL;
    const constant_data *k = &f->constants.data[c];
    if (k->len == 0 || !ir_range_ok(k->bytes, k->len, f->const_bytes.len)) return NULL;
    *len = k->len;
    return f->const_bytes.data + k->bytes;
}

/* `sig0, block1(ret0), [ tag1: block2(exn0), default: block3, context v4 ]` */
static void write_extable(strbuf *sb, const clif_func *f, uint32_t et) {
    if (et >= f->extables.len) {
        sb_puts(sb, "extable4294967295");
        return;
    }
    const extable_data *x = &f->extables.data[et];
    sb_printf(sb, "sig%u, ", x->sig);
    if (!ir_range_ok(x->items, x->nitems, f->extable_items.len)) {
        sb_puts(sb, "invalid");
        return;
    }
    wr_block_call(sb, f, x->normal);
    sb_puts(sb, ", [");
    for (uint32_t k = 0; k < x->nitems; k++) {
        const extable_item *it = &f->extable_items.data[x->items + k];
        sb_puts(sb, k ? ", " : " ");
        switch (it->kind) {
        case EXI_TAG:
            sb_printf(sb, "tag%u: ", it->tag);
            wr_block_call(sb, f, it->call);
            break;
        case EXI_DEFAULT:
            sb_puts(sb, "default: ");
            wr_block_call(sb, f, it->call);
            break;
        default:
            sb_puts(sb, "context ");
            wr_value(sb, it->call);
            break;
        }
    }
    sb_puts(sb, x->nitems ? " ]" : "]");
}

static void write_operands(strbuf *sb, const clif_func *f, const wr_consts *c, const inst_data *d) {
    const clif_opcode_info *info = clif_opcode_info_of((clif_opcode)d->opcode);
    switch ((clif_format)info->format) {
    case CLIF_FMT_NULLARY: sb_putc(sb, ' '); break;
    case CLIF_FMT_UNARY: write_fixed(sb, f, d, 1); break;
    case CLIF_FMT_UNARY_IMM:
        sb_putc(sb, ' ');
        write_imm64(sb, f, d);
        break;
    case CLIF_FMT_UNARY_IEEE16:
        sb_putc(sb, ' ');
        write_ieee(sb, d, 16);
        break;
    case CLIF_FMT_UNARY_IEEE32:
        sb_putc(sb, ' ');
        write_ieee(sb, d, 32);
        break;
    case CLIF_FMT_UNARY_IEEE64:
        sb_putc(sb, ' ');
        write_ieee(sb, d, 64);
        break;
    case CLIF_FMT_UNARY_CONST: write_const_ref(sb, f, c, d->ent); break;
    case CLIF_FMT_UNARY_GV: sb_printf(sb, " gv%u", d->ent); break;
    case CLIF_FMT_BINARY: write_fixed(sb, f, d, 2); break;
    case CLIF_FMT_BINARY_IMM8:
        write_fixed(sb, f, d, 1);
        sb_printf(sb, ", %u", d->lane);
        break;
    case CLIF_FMT_TERNARY: write_fixed(sb, f, d, 3); break;
    case CLIF_FMT_TERNARY_IMM8:
        write_fixed(sb, f, d, 2);
        sb_printf(sb, ", %u", d->lane);
        break;
    case CLIF_FMT_SHUFFLE: {
        uint32_t len;
        const uint8_t *mask = wr_constant_bytes(f, d->ent, &len);
        write_fixed(sb, f, d, 2);
        sb_puts(sb, ", ");
        imm_write_bytes(sb, mask, len);
        break;
    }
    case CLIF_FMT_INT_COMPARE:
        sb_printf(sb, " %s", clif_intcc_name((clif_intcc)d->cond));
        write_fixed(sb, f, d, 2);
        break;
    case CLIF_FMT_FLOAT_COMPARE:
        sb_printf(sb, " %s", clif_floatcc_name((clif_floatcc)d->cond));
        write_fixed(sb, f, d, 2);
        break;
    case CLIF_FMT_INT_ADD_TRAP:
        write_fixed(sb, f, d, 2);
        sb_puts(sb, ", ");
        wr_trap(sb, d->trap);
        break;
    case CLIF_FMT_JUMP:
        sb_putc(sb, ' ');
        wr_block_call(sb, f, d->ent);
        break;
    case CLIF_FMT_BRIF:
        write_fixed(sb, f, d, 1);
        sb_puts(sb, ", ");
        wr_block_call(sb, f, d->ent);
        sb_puts(sb, ", ");
        wr_block_call(sb, f, d->ent + 1);
        break;
    case CLIF_FMT_BRANCH_TABLE: {
        write_fixed(sb, f, d, 1);
        sb_puts(sb, ", ");
        if (d->ent >= f->jump_tables.len || f->jump_tables.data[d->ent].ncalls == 0 ||
            !ir_range_ok(f->jump_tables.data[d->ent].calls, f->jump_tables.data[d->ent].ncalls,
                         f->block_calls.len)) {
            sb_printf(sb, "jt%u", d->ent);
            break;
        }
        const jump_table_data *jt = &f->jump_tables.data[d->ent];
        wr_block_call(sb, f, jt->calls);
        sb_puts(sb, ", [");
        for (uint32_t k = 1; k < jt->ncalls; k++) {
            if (k > 1) sb_puts(sb, ", ");
            wr_block_call(sb, f, jt->calls + k);
        }
        sb_putc(sb, ']');
        break;
    }
    case CLIF_FMT_TRAP:
        sb_putc(sb, ' ');
        wr_trap(sb, d->trap);
        break;
    case CLIF_FMT_COND_TRAP:
        write_fixed(sb, f, d, 1);
        sb_puts(sb, ", ");
        wr_trap(sb, d->trap);
        break;
    case CLIF_FMT_MULTIARY:
        if (d->nargs) {
            sb_putc(sb, ' ');
            write_values(sb, f, d, 0);
        }
        break;
    case CLIF_FMT_CALL:
        sb_printf(sb, " fn%u(", d->ent);
        write_values(sb, f, d, 0);
        sb_putc(sb, ')');
        break;
    case CLIF_FMT_CALL_INDIRECT:
        sb_printf(sb, " sig%u, ", d->ent);
        wr_value(sb, arg(f, d, 0));
        sb_putc(sb, '(');
        write_values(sb, f, d, 1);
        sb_putc(sb, ')');
        break;
    case CLIF_FMT_TRY_CALL: /* the callee's func_ref is in imm, the table in ent */
        sb_printf(sb, " fn%u(", (uint32_t)d->imm);
        write_values(sb, f, d, 0);
        sb_puts(sb, "), ");
        write_extable(sb, f, d->ent);
        break;
    case CLIF_FMT_TRY_CALL_INDIRECT:
        sb_putc(sb, ' ');
        wr_value(sb, arg(f, d, 0));
        sb_putc(sb, '(');
        write_values(sb, f, d, 1);
        sb_puts(sb, "), ");
        write_extable(sb, f, d->ent);
        break;
    case CLIF_FMT_FUNC_ADDR: sb_printf(sb, " fn%u", d->ent); break;
    case CLIF_FMT_STACK_LOAD:
        sb_printf(sb, " ss%u", d->ent);
        imm_write_offset32(sb, d->offset);
        break;
    case CLIF_FMT_DYNAMIC_STACK_LOAD: sb_printf(sb, " dss%u", d->ent); break;
    case CLIF_FMT_LOAD:
        wr_memflags(sb, d->memflags);
        write_fixed(sb, f, d, 1);
        imm_write_offset32(sb, d->offset);
        break;
    case CLIF_FMT_LOAD_NO_OFFSET:
        wr_memflags(sb, d->memflags);
        write_fixed(sb, f, d, 1);
        break;
    case CLIF_FMT_STORE:
        wr_memflags(sb, d->memflags);
        write_fixed(sb, f, d, 2);
        imm_write_offset32(sb, d->offset);
        break;
    case CLIF_FMT_STORE_NO_OFFSET:
        wr_memflags(sb, d->memflags);
        write_fixed(sb, f, d, 2);
        break;
    case CLIF_FMT_ATOMIC_RMW:
        /* Cranelift's writer drops the flags of atomic_rmw and atomic_cas; we keep
         * them (its reader accepts them) so that `big`/`little` survive a round trip. */
        wr_memflags(sb, d->memflags);
        sb_printf(sb, " %s", clif_atomic_op_name((clif_atomic_op)d->cond));
        write_fixed(sb, f, d, 2);
        break;
    case CLIF_FMT_ATOMIC_CAS:
        wr_memflags(sb, d->memflags);
        write_fixed(sb, f, d, 3);
        break;
    case CLIF_FMT_EXCEPTION_HANDLER_ADDRESS:
        sb_printf(sb, " block%u, ", d->ent);
        imm_write_imm64(sb, (int64_t)d->imm);
        break;
    case CLIF_FMT_COUNT: break;
    }
}

/* ---- Constant comments ---- */

/* Writes `; v = imm` for value v when a constant instruction defines it. */
static void comment_constant(strbuf *sb, const clif_func *f, const wr_consts *c, clif_value v,
                             const char **sep) {
    clif_value r = ir_resolve(f, v);
    if (r >= f->values.len || f->values.data[r].kind != VK_RESULT) return;
    clif_inst src = f->values.data[r].owner;
    if (src >= f->insts.len) return;
    const inst_data *d = &f->insts.data[src];
    clif_format fmt = (clif_format)clif_opcode_info_of((clif_opcode)d->opcode)->format;
    if (fmt != CLIF_FMT_UNARY_IMM && fmt != CLIF_FMT_UNARY_IEEE16 && fmt != CLIF_FMT_UNARY_IEEE32 &&
        fmt != CLIF_FMT_UNARY_IEEE64 && fmt != CLIF_FMT_UNARY_CONST)
        return;
    sb_puts(sb, *sep);
    *sep = ", ";
    wr_value(sb, v);
    sb_puts(sb, " =");
    if (fmt != CLIF_FMT_UNARY_CONST) sb_putc(sb, ' ');
    switch (fmt) {
    case CLIF_FMT_UNARY_IMM: write_imm64(sb, f, d); break;
    case CLIF_FMT_UNARY_IEEE16: write_ieee(sb, d, 16); break;
    case CLIF_FMT_UNARY_IEEE32: write_ieee(sb, d, 32); break;
    case CLIF_FMT_UNARY_IEEE64: write_ieee(sb, d, 64); break;
    default: {
        uint32_t len;
        const uint8_t *b = wr_constant_bytes(f, d->ent, &len);
        if (d->opcode == CLIF_OP_F128CONST && len == 16) {
            sb_putc(sb, ' ');
            uint64_t lo = 0, hi = 0;
            for (int k = 7; k >= 0; k--) {
                lo = lo << 8 | b[k];
                hi = hi << 8 | b[8 + k];
            }
            imm_write_ieee(sb, 128, lo, hi);
        } else {
            write_const_ref(sb, f, c, d->ent);
        }
        break;
    }
    }
}

static void comment_block_call(strbuf *sb, const clif_func *f, const wr_consts *c, uint32_t call,
                               const char **sep) {
    if (call >= f->block_calls.len) return;
    const block_call *bc = &f->block_calls.data[call];
    if (!ir_range_ok(bc->args, bc->nargs, f->pool.len)) return;
    for (uint32_t k = 0; k < bc->nargs; k++) {
        uint32_t a = f->pool.data[bc->args + k];
        if (CLIF_BLOCKARG_IS_VALUE(a)) comment_constant(sb, f, c, a, sep);
    }
}

/* The operand values in Cranelift's inst_values order: arguments, block-call
 * arguments of every successor, exception-table context values. */
static void write_comments(strbuf *sb, const clif_func *f, const wr_consts *c, const inst_data *d) {
    const char *sep = "  ; ";
    for (uint32_t k = 0; k < d->nargs; k++)
        comment_constant(sb, f, c, f->pool.data[d->args + k], &sep);
    clif_format fmt = (clif_format)clif_opcode_info_of((clif_opcode)d->opcode)->format;
    if (fmt == CLIF_FMT_TRY_CALL || fmt == CLIF_FMT_TRY_CALL_INDIRECT) {
        if (d->ent >= f->extables.len) return;
        const extable_data *x = &f->extables.data[d->ent];
        if (!ir_range_ok(x->items, x->nitems, f->extable_items.len)) return;
        for (uint32_t k = 0; k < x->nitems; k++) { /* catch targets, then the normal return */
            const extable_item *it = &f->extable_items.data[x->items + k];
            if (it->kind != EXI_CONTEXT) comment_block_call(sb, f, c, it->call, &sep);
        }
        comment_block_call(sb, f, c, x->normal, &sep);
        for (uint32_t k = 0; k < x->nitems; k++) {
            const extable_item *it = &f->extable_items.data[x->items + k];
            if (it->kind == EXI_CONTEXT) comment_constant(sb, f, c, it->call, &sep);
        }
        return;
    }
    uint32_t n, first = ir_inst_block_calls(f, d, &n);
    if (!ir_range_ok(first, n, f->block_calls.len)) return;
    for (uint32_t k = 0; k < n; k++)
        comment_block_call(sb, f, c, first + k, &sep);
}

/* ---- The instruction ---- */

void wr_inst(strbuf *sb, const clif_func *f, const wr_consts *c, clif_inst i, bool in_layout) {
    const inst_data *d = &f->insts.data[i];
    if (!ir_range_ok(d->args, d->nargs, f->pool.len) ||
        !ir_range_ok(d->results, d->nresults, f->pool.len)) {
        sb_printf(sb, "invalid (inst%u: value lists out of range)", i);
        return;
    }
    for (uint32_t k = 0; k < d->nresults; k++) {
        if (k) sb_puts(sb, ", ");
        wr_value(sb, f->pool.data[d->results + k]);
    }
    if (d->nresults) sb_puts(sb, " = ");
    sb_puts(sb, clif_opcode_info_of((clif_opcode)d->opcode)->name);
    clif_type ctrl = wr_ctrl_type(f, d);
    if (in_layout ? needs_suffix(f, i, d) : ctrl != CLIF_TYPE_INVALID) {
        sb_putc(sb, '.');
        wr_type(sb, ctrl);
    }
    write_operands(sb, f, c, d);
    write_comments(sb, f, c, d);
}
