/* The function container: entity arrays, value lists, layout, and queries. */
#include "ir/function.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

clif_func *clif_func_new(void) {
    clif_func *f = cl_xcalloc(1, sizeof *f);
    /* The arrays that ranges point into are never NULL, so an empty range
     * (pool_at(f, 0) with no parameters) is still a valid pointer. */
    vec_reserve(f->pool, 1);
    vec_reserve(f->abi_params, 1);
    vec_reserve(f->const_bytes, 1);
    clif_func_clear(f);
    return f;
}

/* clang-format off */
#define ALL_VECS(X)                                                                                \
    X(values)                                                                                      \
    X(insts)                                                                                       \
    X(inodes)                                                                                      \
    X(blocks)                                                                                      \
    X(pool)                                                                                        \
    X(block_calls)                                                                                 \
    X(jump_tables)                                                                                 \
    X(stack_slots)                                                                                 \
    X(dyn_types)                                                                                   \
    X(gvs)                                                                                         \
    X(sigs)                                                                                        \
    X(abi_params)                                                                                  \
    X(ext_funcs)                                                                                   \
    X(constants)                                                                                   \
    X(const_bytes)                                                                                 \
    X(extables)                                                                                    \
    X(extable_items)                                                                               \
    X(strings)
/* clang-format on */

void clif_func_free(clif_func *f) {
    if (!f) return;
#define X(v) vec_free(f->v);
    ALL_VECS(X)
#undef X
    free(f);
}

void clif_func_clear(clif_func *f) {
#define X(v) vec_clear(f->v);
    ALL_VECS(X)
#undef X
    memset(&f->name, 0, sizeof f->name);
    memset(&f->sig, 0, sizeof f->sig);
    f->sig.callconv = CLIF_CC_SYSTEM_V;
    f->stack_limit = CLIF_NONE;
    f->first_block = f->last_block = CLIF_NONE;
    /* String offset 0 is the empty string. */
    vec_push(f->strings, '\0');
}

uint32_t ir_pool_append(clif_func *f, const uint32_t *items, uint32_t n) {
    vec_reserve(f->pool, n);
    uint32_t start = f->pool.len;
    if (n) memmove(f->pool.data + start, items, n * sizeof *items);
    f->pool.len += n;
    return start;
}

uint32_t ir_intern(clif_func *f, const char *s, size_t len) {
    vec_reserve(f->strings, (uint32_t)len + 1);
    uint32_t off = f->strings.len;
    memcpy(f->strings.data + off, s, len);
    f->strings.data[off + len] = 0;
    f->strings.len += (uint32_t)len + 1;
    return off;
}

void ir_set_name(clif_func *f, name_data *dst, const clif_ext_name *src) {
    dst->kind = (uint8_t)src->kind;
    dst->ns = src->ns;
    dst->index = src->index;
    dst->str =
        src->kind == CLIF_NAME_TESTCASE && src->str ? ir_intern(f, src->str, strlen(src->str)) : 0;
}

clif_ext_name ir_get_name(const clif_func *f, const name_data *n) {
    clif_ext_name e = {(clif_name_kind)n->kind, n->ns, n->index, ir_str(f, n->str)};
    return e;
}

void clif_func_set_name(clif_func *f, const clif_ext_name *name) {
    ir_set_name(f, &f->name, name);
}

clif_ext_name clif_func_name(const clif_func *f) {
    return ir_get_name(f, &f->name);
}

const char *clif_ext_name_format(const clif_ext_name *n, char *buf, size_t size) {
    if (size == 0) return buf;
    if (n->kind == CLIF_NAME_USER)
        snprintf(buf, size, "u%u:%u", n->ns, n->index);
    else
        snprintf(buf, size, "%%%s", n->str ? n->str : "");
    return buf;
}

const char *clif_func_name_format(const clif_func *f, char *buf, size_t size) {
    clif_ext_name n = ir_get_name(f, &f->name);
    return clif_ext_name_format(&n, buf, size);
}

/* Byte offset of `p` inside the function's abi_params, or SIZE_MAX: a
 * signature read back from the function (clif_func_signature) points there,
 * and growing the array would leave it dangling. */
static size_t abi_offset(const clif_func *f, const clif_abi_param *p) {
    uintptr_t lo = (uintptr_t)f->abi_params.data, x = (uintptr_t)p;
    if (!p || !lo || x < lo || x >= lo + (uintptr_t)f->abi_params.len * sizeof *p) return SIZE_MAX;
    return (size_t)(x - lo);
}

static const clif_abi_param *abi_at(const clif_func *f, size_t off, const clif_abi_param *p) {
    return off == SIZE_MAX ? p : (const clif_abi_param *)((const char *)f->abi_params.data + off);
}

static void store_sig(clif_func *f, sig_data *dst, const clif_signature *sig) {
    dst->nparams = sig->nparams;
    dst->nreturns = sig->nreturns;
    size_t poff = abi_offset(f, sig->params), roff = abi_offset(f, sig->returns);
    vec_reserve(f->abi_params, sig->nparams + sig->nreturns);
    const clif_abi_param *params = abi_at(f, poff, sig->params);
    const clif_abi_param *returns = abi_at(f, roff, sig->returns);
    dst->params = f->abi_params.len;
    for (uint32_t i = 0; i < sig->nparams; i++)
        vec_push(f->abi_params, params[i]);
    dst->returns = f->abi_params.len;
    for (uint32_t i = 0; i < sig->nreturns; i++)
        vec_push(f->abi_params, returns[i]);
    dst->callconv = (uint8_t)sig->callconv;
    dst->used = true;
}

void clif_func_set_signature(clif_func *f, const clif_signature *sig) {
    store_sig(f, &f->sig, sig);
}

void clif_func_signature(const clif_func *f, clif_signature *out) {
    /* No arithmetic on a NULL array (a function without parameters or returns). */
    const clif_abi_param *base = f->abi_params.data;
    out->params = base ? base + f->sig.params : NULL;
    out->nparams = f->sig.nparams;
    out->returns = base ? base + f->sig.returns : NULL;
    out->nreturns = f->sig.nreturns;
    out->callconv = (clif_callconv)f->sig.callconv;
}

void ir_ensure_values(clif_func *f, uint32_t n) {
    if (n <= f->values.len) return;
    vec_reserve(f->values, n - f->values.len);
    while (f->values.len < n) {
        value_data v = {CLIF_TYPE_INVALID, VK_UNUSED, 0, 0, CLIF_NONE};
        f->values.data[f->values.len++] = v;
    }
}

void ir_ensure_blocks(clif_func *f, uint32_t n) {
    if (n <= f->blocks.len) return;
    vec_reserve(f->blocks, n - f->blocks.len);
    while (f->blocks.len < n) {
        block_data b = {CLIF_NONE, CLIF_NONE, CLIF_NONE, CLIF_NONE, 0, 0, 0, false, false};
        f->blocks.data[f->blocks.len++] = b;
    }
}

clif_value ir_make_value(clif_func *f, clif_type t, value_kind kind, uint32_t owner, uint32_t num) {
    value_data v = {t, (uint8_t)kind, 0, num, owner};
    vec_push(f->values, v);
    return f->values.len - 1;
}

clif_block clif_create_block(clif_func *f) {
    ir_ensure_blocks(f, f->blocks.len + 1);
    return f->blocks.len - 1;
}

clif_value clif_append_block_param(clif_func *f, clif_block b, clif_type t) {
    if (b >= f->blocks.len) return CLIF_NONE;
    block_data *bd = &f->blocks.data[b];
    clif_value v = ir_make_value(f, t, VK_PARAM, b, bd->nparams);
    /* Move the list to the end of the pool unless it already is there. */
    if (bd->nparams == 0 || bd->params + bd->nparams != f->pool.len) {
        uint32_t start = f->pool.len;
        vec_reserve(f->pool, bd->nparams + 1);
        for (uint32_t i = 0; i < bd->nparams; i++)
            f->pool.data[f->pool.len++] = f->pool.data[bd->params + i];
        bd->params = start;
    }
    vec_push(f->pool, v);
    bd->nparams++;
    return v;
}

void clif_append_block(clif_func *f, clif_block b) {
    if (b >= f->blocks.len || f->blocks.data[b].in_layout) return;
    block_data *bd = &f->blocks.data[b];
    bd->in_layout = true;
    bd->prev = f->last_block;
    bd->next = CLIF_NONE;
    if (f->last_block == CLIF_NONE)
        f->first_block = b;
    else
        f->blocks.data[f->last_block].next = b;
    f->last_block = b;
}

clif_stack_slot clif_create_stack_slot(clif_func *f, uint32_t size, uint8_t align_shift) {
    stack_slot_data s = {CLIF_SS_EXPLICIT, align_shift, size, CLIF_NONE, true};
    vec_push(f->stack_slots, s);
    return f->stack_slots.len - 1;
}

clif_sig_ref clif_import_signature(clif_func *f, const clif_signature *sig) {
    sig_data s;
    store_sig(f, &s, sig);
    vec_push(f->sigs, s);
    return f->sigs.len - 1;
}

clif_func_ref clif_import_function(clif_func *f, const clif_ext_name *name, clif_sig_ref sig,
                                   bool colocated) {
    ext_func_data e = {{0, 0, 0, 0}, sig, colocated, true};
    ir_set_name(f, &e.name, name);
    vec_push(f->ext_funcs, e);
    return f->ext_funcs.len - 1;
}

clif_global_value clif_create_global_value(clif_func *f, const clif_global_value_data *gv) {
    gv_data g = {(uint8_t)gv->kind, gv->type,      gv->base, gv->offset, gv->flags,
                 {0, 0, 0, 0},      gv->colocated, gv->tls,  true};
    if (gv->kind == CLIF_GV_SYMBOL) ir_set_name(f, &g.name, &gv->name);
    vec_push(f->gvs, g);
    return f->gvs.len - 1;
}

clif_constant clif_create_constant(clif_func *f, const uint8_t *bytes, uint32_t len) {
    constant_data c = {f->const_bytes.len, len, true, false};
    vec_reserve(f->const_bytes, len);
    if (len) memcpy(f->const_bytes.data + f->const_bytes.len, bytes, len);
    f->const_bytes.len += len;
    vec_push(f->constants, c);
    return f->constants.len - 1;
}

/* A caller's block call has a sane argument count and an array for it. */
static bool block_call_ok(const clif_block_call *bc) {
    return bc->nargs < CLIF_MAX_ENTITIES && (bc->nargs == 0 || bc->args);
}

uint32_t ir_add_block_call(clif_func *f, const clif_block_call *bc) {
    block_call c = {bc->block, ir_pool_append(f, bc->args, bc->nargs), bc->nargs};
    vec_push(f->block_calls, c);
    return f->block_calls.len - 1;
}

clif_jump_table clif_create_jump_table(clif_func *f, const clif_block_call *deflt,
                                       const clif_block_call *entries, uint32_t n) {
    if (!deflt || !block_call_ok(deflt) || n >= CLIF_MAX_ENTITIES || (n && !entries))
        return CLIF_NONE;
    for (uint32_t i = 0; i < n; i++)
        if (!block_call_ok(&entries[i])) return CLIF_NONE;
    jump_table_data jt = {f->block_calls.len, n + 1};
    /* Block calls of one table are consecutive: add the arguments first. */
    uint32_t *starts = cl_xmalloc((n + 1) * sizeof *starts);
    starts[0] = ir_pool_append(f, deflt->args, deflt->nargs);
    for (uint32_t i = 0; i < n; i++)
        starts[i + 1] = ir_pool_append(f, entries[i].args, entries[i].nargs);
    vec_reserve(f->block_calls, n + 1);
    for (uint32_t i = 0; i <= n; i++) {
        const clif_block_call *src = i == 0 ? deflt : &entries[i - 1];
        block_call c = {src->block, starts[i], src->nargs};
        f->block_calls.data[f->block_calls.len++] = c;
    }
    free(starts);
    vec_push(f->jump_tables, jt);
    return f->jump_tables.len - 1;
}

clif_sig_ref ir_inst_call_sig(const clif_func *f, const inst_data *d) {
    switch (clif_opcode_info_of((clif_opcode)d->opcode)->format) {
    case CLIF_FMT_CALL:
        return d->ent < f->ext_funcs.len ? f->ext_funcs.data[d->ent].sig : CLIF_NONE;
    case CLIF_FMT_CALL_INDIRECT: return d->ent;
    case CLIF_FMT_TRY_CALL:
    case CLIF_FMT_TRY_CALL_INDIRECT:
        return d->ent < f->extables.len ? f->extables.data[d->ent].sig : CLIF_NONE;
    default: return CLIF_NONE;
    }
}

uint32_t ir_inst_block_calls(const clif_func *f, const inst_data *d, uint32_t *count) {
    switch (clif_opcode_info_of((clif_opcode)d->opcode)->format) {
    case CLIF_FMT_JUMP: *count = 1; return d->ent;
    case CLIF_FMT_BRIF: *count = 2; return d->ent;
    case CLIF_FMT_BRANCH_TABLE:
        if (d->ent < f->jump_tables.len) {
            *count = f->jump_tables.data[d->ent].ncalls;
            return f->jump_tables.data[d->ent].calls;
        }
        break;
    default: break;
    }
    *count = 0;
    return 0;
}

int ir_result_types(const clif_func *f, const inst_data *d, clif_type *types, uint32_t max) {
    const clif_opcode_info *info = clif_opcode_info_of((clif_opcode)d->opcode);
    if (info->flags & CLIF_OPF_CALL) {
        if (info->flags & CLIF_OPF_TERM) return 0; /* return_call, try_call: no results */
        clif_sig_ref s = ir_inst_call_sig(f, d);
        if (s >= f->sigs.len) return -1;
        const sig_data *sd = &f->sigs.data[s];
        if (sd->nreturns > max) return -1;
        for (uint32_t i = 0; i < sd->nreturns; i++)
            types[i] = f->abi_params.data[sd->returns + i].type;
        return (int)sd->nreturns;
    }
    if (info->nresults > max) return -1;
    for (uint32_t i = 0; i < info->nresults; i++) {
        types[i] = clif_result_type((clif_result_rule)info->result[i], d->ctrl);
        if (types[i] == CLIF_TYPE_INVALID) return -1;
    }
    return info->nresults;
}

clif_inst ir_add_inst(clif_func *f, const inst_data *d) {
    vec_push(f->insts, *d);
    inst_node n = {CLIF_NONE, CLIF_NONE, CLIF_NONE};
    vec_push(f->inodes, n);
    return f->insts.len - 1;
}

bool ir_make_results(clif_func *f, clif_inst i) {
    clif_type types[256];
    int n = ir_result_types(f, &f->insts.data[i], types, 256);
    if (n < 0) return false;
    uint32_t start = f->pool.len;
    vec_reserve(f->pool, (uint32_t)n);
    for (int k = 0; k < n; k++) {
        clif_value v = ir_make_value(f, types[k], VK_RESULT, i, (uint32_t)k);
        f->pool.data[f->pool.len++] = v;
    }
    f->insts.data[i].results = start;
    f->insts.data[i].nresults = (uint32_t)n;
    return true;
}

void ir_append_inst(clif_func *f, clif_block b, clif_inst i) {
    inst_node *n = &f->inodes.data[i];
    block_data *bd = &f->blocks.data[b];
    n->block = b;
    n->prev = bd->last;
    n->next = CLIF_NONE;
    if (bd->last == CLIF_NONE)
        bd->first = i;
    else
        f->inodes.data[bd->last].next = i;
    bd->last = i;
}

/* ---- Building instructions ---- */

static clif_type infer_ctrl(const clif_func *f, const clif_inst_desc *d) {
    const clif_opcode_info *info = clif_opcode_info_of(d->opcode);
    if (d->ctrl_type != CLIF_TYPE_INVALID || info->ctrl == CLIF_CTRL_NONE ||
        info->ctrl == CLIF_CTRL_SUFFIX)
        return info->ctrl == CLIF_CTRL_NONE ? CLIF_TYPE_INVALID : d->ctrl_type;
    uint32_t k = (uint32_t)(info->ctrl - CLIF_CTRL_ARG0);
    if (k >= d->nargs || d->args[k] >= f->values.len) return CLIF_TYPE_INVALID;
    return f->values.data[d->args[k]].type;
}

clif_inst clif_build(clif_func *f, clif_block block, const clif_inst_desc *d) {
    if ((unsigned)d->opcode == 0 || d->opcode >= CLIF_OP_COUNT) return CLIF_NONE;
    if (d->nargs >= CLIF_MAX_ENTITIES || (d->nargs && !d->args)) return CLIF_NONE;
    if (block != CLIF_NONE && block >= f->blocks.len) return CLIF_NONE;
    inst_data in;
    memset(&in, 0, sizeof in);
    in.opcode = (uint16_t)d->opcode;
    in.ctrl = infer_ctrl(f, d);
    in.cond = d->cond;
    in.trap = d->trap;
    in.lane = d->lane;
    in.memflags = d->memflags;
    in.offset = d->offset;
    in.imm = d->imm;
    in.ent = d->entity;
    const clif_opcode_info *info = clif_opcode_info_of(d->opcode);
    uint32_t ntargets = info->format == CLIF_FMT_JUMP ? 1 : info->format == CLIF_FMT_BRIF ? 2 : 0;
    if (ntargets && (d->ntargets != ntargets || !d->targets)) return CLIF_NONE;
    for (uint32_t k = 0; k < ntargets; k++)
        if (!block_call_ok(&d->targets[k])) return CLIF_NONE;
    in.args = ir_pool_append(f, d->args, d->nargs);
    in.nargs = d->nargs;
    for (uint32_t k = 0; k < ntargets; k++) {
        uint32_t call = ir_add_block_call(f, &d->targets[k]);
        if (k == 0) in.ent = call; /* a brif's two calls are consecutive */
    }
    clif_inst i = ir_add_inst(f, &in);
    if (!ir_make_results(f, i)) {
        /* Leave the instruction without results: the verifier names the problem. */
        f->insts.data[i].nresults = 0;
    }
    if (block != CLIF_NONE) ir_append_inst(f, block, i);
    return i;
}

static clif_value first_result(clif_func *f, clif_inst i) {
    if (i == CLIF_NONE || f->insts.data[i].nresults == 0) return CLIF_NONE;
    return f->pool.data[f->insts.data[i].results];
}

static uint64_t mask_to(clif_type t, int64_t imm) {
    unsigned bits = clif_type_bits(t);
    return bits >= 64 || bits == 0 ? (uint64_t)imm : (uint64_t)imm & ((1ull << bits) - 1);
}

clif_value clif_ins_iconst(clif_func *f, clif_block b, clif_type t, int64_t imm) {
    clif_inst_desc d = {.opcode = CLIF_OP_ICONST, .ctrl_type = t, .imm = mask_to(t, imm)};
    return first_result(f, clif_build(f, b, &d));
}

clif_value clif_ins_f32const(clif_func *f, clif_block b, float x) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    clif_inst_desc d = {.opcode = CLIF_OP_F32CONST, .imm = bits};
    return first_result(f, clif_build(f, b, &d));
}

clif_value clif_ins_f64const(clif_func *f, clif_block b, double x) {
    uint64_t bits;
    memcpy(&bits, &x, 8);
    clif_inst_desc d = {.opcode = CLIF_OP_F64CONST, .imm = bits};
    return first_result(f, clif_build(f, b, &d));
}

clif_value clif_ins_unary(clif_func *f, clif_block b, clif_opcode op, clif_type t, clif_value x) {
    clif_inst_desc d = {.opcode = op, .ctrl_type = t, .args = &x, .nargs = 1};
    return first_result(f, clif_build(f, b, &d));
}

clif_value clif_ins_binary(clif_func *f, clif_block b, clif_opcode op, clif_value x, clif_value y) {
    clif_value a[2] = {x, y};
    clif_inst_desc d = {.opcode = op, .args = a, .nargs = 2};
    return first_result(f, clif_build(f, b, &d));
}

clif_value clif_ins_ternary(clif_func *f, clif_block b, clif_opcode op, clif_value x, clif_value y,
                            clif_value z) {
    clif_value a[3] = {x, y, z};
    clif_inst_desc d = {.opcode = op, .args = a, .nargs = 3};
    return first_result(f, clif_build(f, b, &d));
}

clif_value clif_ins_icmp(clif_func *f, clif_block b, clif_intcc cc, clif_value x, clif_value y) {
    clif_value a[2] = {x, y};
    clif_inst_desc d = {.opcode = CLIF_OP_ICMP, .cond = (uint8_t)cc, .args = a, .nargs = 2};
    return first_result(f, clif_build(f, b, &d));
}

clif_value clif_ins_fcmp(clif_func *f, clif_block b, clif_floatcc cc, clif_value x, clif_value y) {
    clif_value a[2] = {x, y};
    clif_inst_desc d = {.opcode = CLIF_OP_FCMP, .cond = (uint8_t)cc, .args = a, .nargs = 2};
    return first_result(f, clif_build(f, b, &d));
}

clif_value clif_ins_load(clif_func *f, clif_block b, clif_opcode op, clif_type t,
                         clif_memflags flags, clif_value addr, int32_t offset) {
    clif_inst_desc d = {.opcode = op,
                        .ctrl_type = t,
                        .memflags = flags,
                        .offset = offset,
                        .args = &addr,
                        .nargs = 1};
    return first_result(f, clif_build(f, b, &d));
}

clif_inst clif_ins_store(clif_func *f, clif_block b, clif_opcode op, clif_memflags flags,
                         clif_value x, clif_value addr, int32_t offset) {
    clif_value a[2] = {x, addr};
    clif_inst_desc d = {.opcode = op, .memflags = flags, .offset = offset, .args = a, .nargs = 2};
    return clif_build(f, b, &d);
}

clif_value clif_ins_stack_addr(clif_func *f, clif_block b, clif_type t, clif_stack_slot ss,
                               int32_t offset) {
    clif_inst_desc d = {
        .opcode = CLIF_OP_STACK_ADDR, .ctrl_type = t, .entity = ss, .offset = offset};
    return first_result(f, clif_build(f, b, &d));
}

clif_inst clif_ins_jump(clif_func *f, clif_block b, clif_block dest, const clif_value *args,
                        uint32_t nargs) {
    clif_block_call bc = {dest, args, nargs};
    clif_inst_desc d = {.opcode = CLIF_OP_JUMP, .targets = &bc, .ntargets = 1};
    return clif_build(f, b, &d);
}

clif_inst clif_ins_brif(clif_func *f, clif_block b, clif_value cond, const clif_block_call *then_,
                        const clif_block_call *else_) {
    clif_block_call t[2] = {*then_, *else_};
    clif_inst_desc d = {
        .opcode = CLIF_OP_BRIF, .args = &cond, .nargs = 1, .targets = t, .ntargets = 2};
    return clif_build(f, b, &d);
}

clif_inst clif_ins_br_table(clif_func *f, clif_block b, clif_value index, clif_jump_table jt) {
    clif_inst_desc d = {.opcode = CLIF_OP_BR_TABLE, .args = &index, .nargs = 1, .entity = jt};
    return clif_build(f, b, &d);
}

clif_inst clif_ins_return(clif_func *f, clif_block b, const clif_value *vals, uint32_t n) {
    clif_inst_desc d = {.opcode = CLIF_OP_RETURN, .args = vals, .nargs = n};
    return clif_build(f, b, &d);
}

clif_inst clif_ins_call(clif_func *f, clif_block b, clif_func_ref fn, const clif_value *args,
                        uint32_t nargs) {
    clif_inst_desc d = {.opcode = CLIF_OP_CALL, .entity = fn, .args = args, .nargs = nargs};
    return clif_build(f, b, &d);
}

clif_inst clif_ins_call_indirect(clif_func *f, clif_block b, clif_sig_ref sig, clif_value callee,
                                 const clif_value *args, uint32_t nargs) {
    if (nargs >= CLIF_MAX_ENTITIES || (nargs && !args)) return CLIF_NONE;
    clif_value *all = cl_xmalloc((nargs + 1) * sizeof *all);
    all[0] = callee;
    if (nargs) memcpy(all + 1, args, nargs * sizeof *args);
    clif_inst_desc d = {
        .opcode = CLIF_OP_CALL_INDIRECT, .entity = sig, .args = all, .nargs = nargs + 1};
    clif_inst i = clif_build(f, b, &d);
    free(all);
    return i;
}

clif_inst clif_ins_trap(clif_func *f, clif_block b, clif_trap_code code) {
    clif_inst_desc d = {.opcode = CLIF_OP_TRAP, .trap = code};
    return clif_build(f, b, &d);
}

clif_inst clif_ins_cond_trap(clif_func *f, clif_block b, clif_opcode op, clif_value c,
                             clif_trap_code code) {
    clif_inst_desc d = {.opcode = op, .trap = code, .args = &c, .nargs = 1};
    return clif_build(f, b, &d);
}

/* ---- Queries ---- */
uint32_t clif_func_num_blocks(const clif_func *f) {
    return f->blocks.len;
}
uint32_t clif_func_num_insts(const clif_func *f) {
    return f->insts.len;
}
uint32_t clif_func_num_values(const clif_func *f) {
    return f->values.len;
}
clif_block clif_first_block(const clif_func *f) {
    return f->first_block;
}
clif_block clif_next_block(const clif_func *f, clif_block b) {
    return b < f->blocks.len ? f->blocks.data[b].next : CLIF_NONE;
}
clif_inst clif_first_inst(const clif_func *f, clif_block b) {
    return b < f->blocks.len ? f->blocks.data[b].first : CLIF_NONE;
}
clif_inst clif_next_inst(const clif_func *f, clif_inst i) {
    return i < f->inodes.len ? f->inodes.data[i].next : CLIF_NONE;
}
clif_opcode clif_inst_opcode(const clif_func *f, clif_inst i) {
    return i < f->insts.len ? (clif_opcode)f->insts.data[i].opcode : CLIF_OP_INVALID;
}
uint32_t clif_inst_num_results(const clif_func *f, clif_inst i) {
    return i < f->insts.len ? f->insts.data[i].nresults : 0;
}
clif_value clif_inst_result(const clif_func *f, clif_inst i, uint32_t n) {
    if (i >= f->insts.len || n >= f->insts.data[i].nresults) return CLIF_NONE;
    return f->pool.data[f->insts.data[i].results + n];
}
uint32_t clif_inst_num_args(const clif_func *f, clif_inst i) {
    return i < f->insts.len ? f->insts.data[i].nargs : 0;
}
clif_value clif_inst_arg(const clif_func *f, clif_inst i, uint32_t n) {
    if (i >= f->insts.len || n >= f->insts.data[i].nargs) return CLIF_NONE;
    return f->pool.data[f->insts.data[i].args + n];
}
clif_type clif_value_type(const clif_func *f, clif_value v) {
    return v < f->values.len ? f->values.data[v].type : CLIF_TYPE_INVALID;
}
uint32_t clif_block_num_params(const clif_func *f, clif_block b) {
    return b < f->blocks.len ? f->blocks.data[b].nparams : 0;
}
clif_value clif_block_param(const clif_func *f, clif_block b, uint32_t n) {
    if (b >= f->blocks.len || n >= f->blocks.data[b].nparams) return CLIF_NONE;
    return f->pool.data[f->blocks.data[b].params + n];
}
