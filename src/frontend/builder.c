/* The function builder: current block, block states, variables, and the
 * instructions appended through it. Every entry point checks its arguments
 * and the builder's state, records the first misuse as an error and then
 * refuses further work (see include/clif/frontend.h). */
#include "frontend/fb.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- Shared helpers ---- */

bool fb_fail(clif_fb *fb, clif_error_kind kind, const char *fmt, ...) {
    if (fb->err) return false;
    va_list ap;
    va_start(ap, fmt);
    clif_location loc = {NULL, 0, 0};
    fb->err = clif_error_newv(kind, loc, fmt, ap);
    va_end(ap);
    return false;
}

fb_block *fb_blk(clif_fb *fb, clif_block b) {
    while (fb->blocks.len <= b) {
        fb_block nb = {FB_EMPTY,  false,     CLIF_NONE, CLIF_NONE, CLIF_NONE, 0,
                       CLIF_NONE, CLIF_NONE, 0,         0,         0};
        vec_push(fb->blocks, nb);
    }
    return &fb->blocks.data[b];
}

uint32_t fb_next_stamp(clif_fb *fb) {
    if (++fb->stamp == 0) {
        for (uint32_t i = 0; i < fb->blocks.len; i++)
            fb->blocks.data[i].visit = 0;
        for (uint32_t i = 0; i < fb->blocks.len; i++)
            fb->blocks.data[i].mark = 0;
        fb->stamp = 1;
    }
    return fb->stamp;
}

void fb_list_push(clif_fb *fb, uint32_t *head, uint32_t *tail, uint32_t item) {
    fb_node n = {item, CLIF_NONE};
    vec_push(fb->nodes, n);
    uint32_t i = fb->nodes.len - 1;
    if (*head == CLIF_NONE)
        *head = i;
    else
        fb->nodes.data[*tail].next = i;
    *tail = i;
}

void fb_branch_calls(clif_fb *fb, clif_inst inst) {
    const clif_func *f = fb->f;
    const inst_data *d = &f->insts.data[inst];
    vec_clear(fb->scratch);
    clif_format fmt = (clif_format)clif_opcode_info_of((clif_opcode)d->opcode)->format;
    if (fmt == CLIF_FMT_TRY_CALL || fmt == CLIF_FMT_TRY_CALL_INDIRECT) {
        if (d->ent >= f->extables.len) return;
        const extable_data *et = &f->extables.data[d->ent];
        vec_push(fb->scratch, et->normal);
        for (uint32_t k = 0; k < et->nitems; k++) {
            const extable_item *it = &f->extable_items.data[et->items + k];
            if (it->kind != EXI_CONTEXT) vec_push(fb->scratch, it->call);
        }
        return;
    }
    uint32_t n, first = ir_inst_block_calls(f, d, &n);
    for (uint32_t k = 0; k < n; k++)
        vec_push(fb->scratch, first + k);
}

/* ---- Life cycle ---- */

clif_fb *clif_fb_new(void) {
    clif_fb *fb = cl_xcalloc(1, sizeof *fb);
    fb->pos = CLIF_NONE;
    return fb;
}

static void fb_reset(clif_fb *fb) {
    vec_clear(fb->blocks);
    vec_clear(fb->vars);
    vec_clear(fb->nodes);
    vec_clear(fb->scratch);
    ssa_clear(fb);
    clif_error_free(fb->err);
    fb->err = NULL;
    fb->f = NULL;
    fb->pos = CLIF_NONE;
}

void clif_fb_free(clif_fb *fb) {
    if (!fb) return;
    clif_error_free(fb->err);
    vec_free(fb->blocks);
    vec_free(fb->vars);
    vec_free(fb->nodes);
    vec_free(fb->calls);
    vec_free(fb->results);
    vec_free(fb->scratch);
    free(fb->def_keys);
    free(fb->def_vals);
    free(fb);
}

void clif_fb_begin(clif_fb *fb, clif_func *f) {
    fb_reset(fb);
    fb->f = f;
    if (!f) fb_fail(fb, CLIF_ERR_ARGUMENT, "clif_fb_begin: no function");
}

clif_func *clif_fb_func(const clif_fb *fb) {
    return fb->f;
}

const clif_error *clif_fb_error(const clif_fb *fb) {
    return fb->err;
}

/* The builder can work: a function is set and no error is pending. */
static bool fb_ready(clif_fb *fb, const char *what) {
    if (fb->err) return false;
    if (!fb->f) return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: no function (call clif_fb_begin)", what);
    return true;
}

static bool fb_block_ok(clif_fb *fb, clif_block b, const char *what) {
    if (b < fb->f->blocks.len) return true;
    return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: block%u does not exist", what, b);
}

static bool fb_value_ok(clif_fb *fb, clif_value v, const char *what) {
    const clif_func *f = fb->f;
    if (v < f->values.len && f->values.data[v].kind != VK_UNUSED) return true;
    if (v == CLIF_NONE)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: missing value (CLIF_NONE)", what);
    return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: v%u is not a value of the function", what, v);
}

clif_error *clif_fb_finalize(clif_fb *fb) {
    clif_error *err = fb->err;
    fb->err = NULL;
    if (!err && !fb->f)
        err = clif_error_new(CLIF_ERR_ARGUMENT, (clif_location){NULL, 0, 0},
                             "clif_fb_finalize: no function (call clif_fb_begin)");
    for (uint32_t b = 0; !err && b < fb->blocks.len; b++) {
        const fb_block *bd = &fb->blocks.data[b];
        const char *what = NULL;
        if (bd->status == FB_EMPTY && bd->npreds)
            what = "is the target of a branch but has no instructions";
        else if (bd->status != FB_EMPTY && !bd->sealed)
            what = "is not sealed";
        else if (bd->status == FB_PARTIAL)
            what = "is not filled (it has no terminator)";
        if (what)
            err = clif_error_new(CLIF_ERR_ARGUMENT, (clif_location){NULL, 0, 0},
                                 "clif_fb_finalize: block%u %s", b, what);
    }
    fb_reset(fb);
    return err;
}

/* ---- Blocks ---- */

clif_block clif_fb_create_block(clif_fb *fb) {
    if (!fb_ready(fb, "create_block")) return CLIF_NONE;
    if (fb->f->blocks.len >= CLIF_MAX_ENTITIES) {
        fb_fail(fb, CLIF_ERR_LIMIT, "create_block: more than %u blocks", CLIF_MAX_ENTITIES);
        return CLIF_NONE;
    }
    clif_block b = clif_create_block(fb->f);
    fb_blk(fb, b);
    return b;
}

clif_block clif_fb_current_block(const clif_fb *fb) {
    return fb->pos;
}

static bool known(const clif_fb *fb, clif_block b) {
    return fb->f && b < fb->blocks.len;
}

bool clif_fb_is_sealed(const clif_fb *fb, clif_block b) {
    return known(fb, b) && fb->blocks.data[b].sealed;
}

bool clif_fb_is_filled(const clif_fb *fb, clif_block b) {
    return known(fb, b) && fb->blocks.data[b].status == FB_FILLED;
}

bool clif_fb_is_pristine(const clif_fb *fb, clif_block b) {
    return !known(fb, b) || fb->blocks.data[b].status == FB_EMPTY;
}

bool clif_fb_is_unreachable(const clif_fb *fb) {
    if (!known(fb, fb->pos) || fb->pos == fb->f->first_block) return false;
    return fb->blocks.data[fb->pos].sealed && fb->blocks.data[fb->pos].npreds == 0;
}

bool clif_fb_switch_to_block(clif_fb *fb, clif_block b) {
    if (!fb_ready(fb, "switch_to_block") || !fb_block_ok(fb, b, "switch_to_block")) return false;
    clif_block cur = fb->pos;
    if (cur != CLIF_NONE && fb->blocks.data[cur].status == FB_PARTIAL &&
        !clif_fb_is_unreachable(fb))
        return fb_fail(fb, CLIF_ERR_ARGUMENT,
                       "switch_to_block: block%u is left without a terminator", cur);
    if (fb_blk(fb, b)->status == FB_FILLED)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "switch_to_block: block%u is already filled", b);
    fb->pos = b;
    return true;
}

bool clif_fb_seal_block(clif_fb *fb, clif_block b) {
    if (!fb_ready(fb, "seal_block") || !fb_block_ok(fb, b, "seal_block")) return false;
    if (fb_blk(fb, b)->sealed)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "seal_block: block%u is already sealed", b);
    ssa_seal(fb, b);
    return true;
}

bool clif_fb_seal_all_blocks(clif_fb *fb) {
    if (!fb_ready(fb, "seal_all_blocks")) return false;
    for (clif_block b = 0; b < fb->f->blocks.len; b++)
        if (!fb_blk(fb, b)->sealed) ssa_seal(fb, b);
    return true;
}

clif_value clif_fb_append_block_param(clif_fb *fb, clif_block b, clif_type t) {
    if (!fb_ready(fb, "append_block_param") || !fb_block_ok(fb, b, "append_block_param"))
        return CLIF_NONE;
    if (fb_blk(fb, b)->status != FB_EMPTY) {
        fb_fail(fb, CLIF_ERR_ARGUMENT,
                "append_block_param: block%u already has instructions; add parameters first", b);
        return CLIF_NONE;
    }
    if (clif_type_bits(t) == 0) {
        fb_fail(fb, CLIF_ERR_ARGUMENT, "append_block_param: invalid type for block%u", b);
        return CLIF_NONE;
    }
    return clif_append_block_param(fb->f, b, t);
}

bool clif_fb_append_block_params_for_function_params(clif_fb *fb, clif_block b) {
    if (!fb_ready(fb, "append_block_params_for_function_params")) return false;
    if (!fb_block_ok(fb, b, "append_block_params_for_function_params")) return false;
    if (fb_blk(fb, b)->npreds)
        return fb_fail(fb, CLIF_ERR_ARGUMENT,
                       "append_block_params_for_function_params: block%u has predecessors, "
                       "it cannot be the entry block",
                       b);
    const clif_func *f = fb->f;
    for (uint32_t k = 0; k < f->sig.nparams; k++)
        if (clif_fb_append_block_param(fb, b, f->abi_params.data[f->sig.params + k].type) ==
            CLIF_NONE)
            return false;
    return true;
}

bool clif_fb_set_cold_block(clif_fb *fb, clif_block b) {
    if (!fb_ready(fb, "set_cold_block") || !fb_block_ok(fb, b, "set_cold_block")) return false;
    fb->f->blocks.data[b].cold = true;
    return true;
}

/* Puts the current block in the layout on its first instruction. */
static bool ensure_inserted(clif_fb *fb, const char *what) {
    if (fb->pos == CLIF_NONE)
        return fb_fail(fb, CLIF_ERR_ARGUMENT,
                       "%s: no current block (call clif_fb_switch_to_block first)", what);
    fb_block *bd = fb_blk(fb, fb->pos);
    if (bd->status == FB_FILLED)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: block%u already ends with a terminator", what,
                       fb->pos);
    if (bd->status == FB_EMPTY) {
        clif_append_block(fb->f, fb->pos);
        bd->status = FB_PARTIAL;
    }
    return true;
}

/* ---- Variables ---- */

static clif_type var_type(const clif_fb *fb, clif_variable var) {
    return var < fb->vars.len ? fb->vars.data[var] : CLIF_TYPE_INVALID;
}

bool clif_fb_declare_var(clif_fb *fb, clif_variable var, clif_type t) {
    if (!fb_ready(fb, "declare_var")) return false;
    char name[32];
    if (var >= CLIF_FB_MAX_VARIABLES)
        return fb_fail(fb, CLIF_ERR_LIMIT, "declare_var: variable %u is beyond the limit of %u",
                       var, CLIF_FB_MAX_VARIABLES);
    if (clif_type_bits(t) == 0 || clif_type_lane(t) == CLIF_TYPE_INVALID)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "declare_var: variable %u has an invalid type", var);
    if (clif_type_is_dynamic(t))
        return fb_fail(fb, CLIF_ERR_UNSUPPORTED,
                       "unsupported: variable %u of dynamic vector type %s", var,
                       clif_type_name(t, name, sizeof name));
    if (var_type(fb, var) != CLIF_TYPE_INVALID)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "declare_var: variable %u is declared twice", var);
    while (fb->vars.len <= var)
        vec_push(fb->vars, CLIF_TYPE_INVALID);
    fb->vars.data[var] = t;
    return true;
}

bool clif_fb_def_var(clif_fb *fb, clif_variable var, clif_value v) {
    if (!fb_ready(fb, "def_var")) return false;
    clif_type t = var_type(fb, var);
    if (t == CLIF_TYPE_INVALID)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "def_var: variable %u was not declared", var);
    if (!fb_value_ok(fb, v, "def_var")) return false;
    clif_type vt = fb->f->values.data[v].type;
    if (vt != t) {
        char a[32], b[32];
        return fb_fail(fb, CLIF_ERR_ARGUMENT,
                       "def_var: variable %u has type %s but v%u has type %s", var,
                       clif_type_name(t, a, sizeof a), v, clif_type_name(vt, b, sizeof b));
    }
    if (fb->pos == CLIF_NONE)
        return fb_fail(fb, CLIF_ERR_ARGUMENT,
                       "def_var: no current block (call clif_fb_switch_to_block first)");
    if (fb_blk(fb, fb->pos)->status == FB_FILLED)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "def_var: block%u already ends with a terminator",
                       fb->pos);
    ssa_def_var(fb, var, fb->pos, v);
    return true;
}

clif_value clif_fb_use_var(clif_fb *fb, clif_variable var) {
    if (!fb_ready(fb, "use_var")) return CLIF_NONE;
    clif_type t = var_type(fb, var);
    if (t == CLIF_TYPE_INVALID) {
        fb_fail(fb, CLIF_ERR_ARGUMENT, "use_var: variable %u was not declared", var);
        return CLIF_NONE;
    }
    if (!ensure_inserted(fb, "use_var")) return CLIF_NONE;
    return ssa_use_var(fb, var, t, fb->pos);
}

/* ---- Instructions ---- */

static bool targets_ok(clif_fb *fb, const clif_block_call *calls, uint32_t n, const char *what) {
    for (uint32_t k = 0; k < n; k++) {
        if (!fb_block_ok(fb, calls[k].block, what)) return false;
        if (calls[k].nargs && !calls[k].args)
            return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: block%u has arguments but no array", what,
                           calls[k].block);
        for (uint32_t a = 0; a < calls[k].nargs; a++)
            if (CLIF_BLOCKARG_IS_VALUE(calls[k].args[a]) &&
                !fb_value_ok(fb, calls[k].args[a], what))
                return false;
    }
    return true;
}

/* Checks what clif_build would take on trust: opcode, value and block
 * references, jump tables. Types are the verifier's business. */
static bool desc_ok(clif_fb *fb, const clif_inst_desc *d, const char *name) {
    const clif_func *f = fb->f;
    if (d->nargs && !d->args)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: %u arguments but no array", name, d->nargs);
    for (uint32_t a = 0; a < d->nargs; a++)
        if (!fb_value_ok(fb, d->args[a], name)) return false;
    uint32_t fixed = ir_num_fixed_args(d->opcode);
    if (d->nargs < fixed)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: needs %u value operands, got %u", name, fixed,
                       d->nargs);
    clif_format fmt = (clif_format)clif_opcode_info_of(d->opcode)->format;
    if (fmt == CLIF_FMT_JUMP || fmt == CLIF_FMT_BRIF) {
        uint32_t need = fmt == CLIF_FMT_JUMP ? 1 : 2;
        if (d->ntargets != need || !d->targets)
            return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: needs %u target blocks, got %u", name, need,
                           d->ntargets);
        return targets_ok(fb, d->targets, need, name);
    }
    if (fmt == CLIF_FMT_BRANCH_TABLE) {
        if (d->entity >= f->jump_tables.len)
            return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: jump table %u does not exist", name,
                           d->entity);
        const jump_table_data *jt = &f->jump_tables.data[d->entity];
        for (uint32_t k = 0; k < jt->ncalls; k++)
            if (!fb_block_ok(fb, f->block_calls.data[jt->calls + k].block, name)) return false;
    }
    if ((fmt == CLIF_FMT_TRY_CALL || fmt == CLIF_FMT_TRY_CALL_INDIRECT) &&
        d->entity >= f->extables.len)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: exception table %u does not exist", name,
                       d->entity);
    return true;
}

/* Refuses a branch to a sealed block (its predecessors were declared
 * complete) before anything changes. */
static bool target_open(clif_fb *fb, clif_block b, const char *name) {
    if (!fb_blk(fb, b)->sealed) return true;
    return fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: branch to block%u, which is already sealed", name,
                   b);
}

static bool targets_open(clif_fb *fb, const clif_inst_desc *d, const char *name) {
    const clif_func *f = fb->f;
    clif_format fmt = (clif_format)clif_opcode_info_of(d->opcode)->format;
    if (fmt == CLIF_FMT_JUMP || fmt == CLIF_FMT_BRIF) {
        for (uint32_t k = 0; k < d->ntargets; k++)
            if (!target_open(fb, d->targets[k].block, name)) return false;
    } else if (fmt == CLIF_FMT_BRANCH_TABLE) {
        const jump_table_data *jt = &f->jump_tables.data[d->entity];
        for (uint32_t k = 0; k < jt->ncalls; k++)
            if (!target_open(fb, f->block_calls.data[jt->calls + k].block, name)) return false;
    } else if (fmt == CLIF_FMT_TRY_CALL || fmt == CLIF_FMT_TRY_CALL_INDIRECT) {
        const extable_data *et = &f->extables.data[d->entity];
        if (!target_open(fb, f->block_calls.data[et->normal].block, name)) return false;
        for (uint32_t k = 0; k < et->nitems; k++) {
            const extable_item *it = &f->extable_items.data[et->items + k];
            if (it->kind != EXI_CONTEXT &&
                !target_open(fb, f->block_calls.data[it->call].block, name))
                return false;
        }
    }
    return true;
}

/* Declares `inst` as a predecessor of each distinct block it branches to. */
static void declare_successors(clif_fb *fb, clif_inst inst) {
    fb_branch_calls(fb, inst);
    uint32_t stamp = fb_next_stamp(fb);
    for (uint32_t k = 0; k < fb->scratch.len; k++) {
        clif_block b = fb->f->block_calls.data[fb->scratch.data[k]].block;
        fb_block *bd = fb_blk(fb, b);
        if (bd->mark == stamp) continue;
        bd->mark = stamp;
        ssa_declare_pred(fb, b, inst);
    }
}

clif_inst clif_fb_ins(clif_fb *fb, const clif_inst_desc *d) {
    if (!fb_ready(fb, "ins")) return CLIF_NONE;
    if (!d || (unsigned)d->opcode == 0 || d->opcode >= CLIF_OP_COUNT) {
        fb_fail(fb, CLIF_ERR_ARGUMENT, "ins: invalid opcode");
        return CLIF_NONE;
    }
    const clif_opcode_info *info = clif_opcode_info_of(d->opcode);
    bool branch = (info->flags & CLIF_OPF_BRANCH) != 0;
    if (!desc_ok(fb, d, info->name) || (branch && !targets_open(fb, d, info->name)) ||
        !ensure_inserted(fb, info->name))
        return CLIF_NONE;
    clif_inst i = clif_build(fb->f, fb->pos, d);
    if (i == CLIF_NONE) {
        fb_fail(fb, CLIF_ERR_ARGUMENT, "%s: the instruction could not be built", info->name);
        return CLIF_NONE;
    }
    if (branch) declare_successors(fb, i);
    if (info->flags & CLIF_OPF_TERM) fb_blk(fb, fb->pos)->status = FB_FILLED;
    return i;
}

static clif_value first_result(const clif_fb *fb, clif_inst i) {
    if (i == CLIF_NONE || fb->f->insts.data[i].nresults == 0) return CLIF_NONE;
    return fb->f->pool.data[fb->f->insts.data[i].results];
}

clif_value clif_fb_iconst(clif_fb *fb, clif_type t, int64_t imm) {
    unsigned bits = clif_type_bits(t);
    uint64_t u = (uint64_t)imm;
    if (bits && bits < 64) u &= (1ull << bits) - 1;
    clif_inst_desc d = {.opcode = CLIF_OP_ICONST, .ctrl_type = t, .imm = u};
    return first_result(fb, clif_fb_ins(fb, &d));
}

clif_value clif_fb_f32const(clif_fb *fb, float x) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    clif_inst_desc d = {.opcode = CLIF_OP_F32CONST, .imm = bits};
    return first_result(fb, clif_fb_ins(fb, &d));
}

clif_value clif_fb_f64const(clif_fb *fb, double x) {
    uint64_t bits;
    memcpy(&bits, &x, 8);
    clif_inst_desc d = {.opcode = CLIF_OP_F64CONST, .imm = bits};
    return first_result(fb, clif_fb_ins(fb, &d));
}

clif_value clif_fb_unary(clif_fb *fb, clif_opcode op, clif_type t, clif_value x) {
    clif_inst_desc d = {.opcode = op, .ctrl_type = t, .args = &x, .nargs = 1};
    return first_result(fb, clif_fb_ins(fb, &d));
}

clif_value clif_fb_binary(clif_fb *fb, clif_opcode op, clif_value x, clif_value y) {
    clif_value a[2] = {x, y};
    clif_inst_desc d = {.opcode = op, .args = a, .nargs = 2};
    return first_result(fb, clif_fb_ins(fb, &d));
}

clif_value clif_fb_ternary(clif_fb *fb, clif_opcode op, clif_value x, clif_value y, clif_value z) {
    clif_value a[3] = {x, y, z};
    clif_inst_desc d = {.opcode = op, .args = a, .nargs = 3};
    return first_result(fb, clif_fb_ins(fb, &d));
}

clif_value clif_fb_icmp(clif_fb *fb, clif_intcc cc, clif_value x, clif_value y) {
    clif_value a[2] = {x, y};
    clif_inst_desc d = {.opcode = CLIF_OP_ICMP, .cond = (uint8_t)cc, .args = a, .nargs = 2};
    return first_result(fb, clif_fb_ins(fb, &d));
}

clif_value clif_fb_fcmp(clif_fb *fb, clif_floatcc cc, clif_value x, clif_value y) {
    clif_value a[2] = {x, y};
    clif_inst_desc d = {.opcode = CLIF_OP_FCMP, .cond = (uint8_t)cc, .args = a, .nargs = 2};
    return first_result(fb, clif_fb_ins(fb, &d));
}

clif_value clif_fb_load(clif_fb *fb, clif_opcode op, clif_type t, clif_memflags flags,
                        clif_value addr, int32_t offset) {
    clif_inst_desc d = {.opcode = op,
                        .ctrl_type = t,
                        .memflags = flags,
                        .offset = offset,
                        .args = &addr,
                        .nargs = 1};
    return first_result(fb, clif_fb_ins(fb, &d));
}

clif_inst clif_fb_store(clif_fb *fb, clif_opcode op, clif_memflags flags, clif_value x,
                        clif_value addr, int32_t offset) {
    clif_value a[2] = {x, addr};
    clif_inst_desc d = {.opcode = op, .memflags = flags, .offset = offset, .args = a, .nargs = 2};
    return clif_fb_ins(fb, &d);
}

clif_value clif_fb_stack_addr(clif_fb *fb, clif_type t, clif_stack_slot ss, int32_t offset) {
    clif_inst_desc d = {
        .opcode = CLIF_OP_STACK_ADDR, .ctrl_type = t, .entity = ss, .offset = offset};
    return first_result(fb, clif_fb_ins(fb, &d));
}

clif_inst clif_fb_jump(clif_fb *fb, clif_block dest, const clif_value *args, uint32_t nargs) {
    clif_block_call bc = {dest, args, nargs};
    clif_inst_desc d = {.opcode = CLIF_OP_JUMP, .targets = &bc, .ntargets = 1};
    return clif_fb_ins(fb, &d);
}

clif_inst clif_fb_brif(clif_fb *fb, clif_value cond, const clif_block_call *then_,
                       const clif_block_call *else_) {
    if (!fb_ready(fb, "brif")) return CLIF_NONE;
    if (!then_ || !else_) {
        fb_fail(fb, CLIF_ERR_ARGUMENT, "brif: missing target");
        return CLIF_NONE;
    }
    clif_block_call t[2] = {*then_, *else_};
    clif_inst_desc d = {
        .opcode = CLIF_OP_BRIF, .args = &cond, .nargs = 1, .targets = t, .ntargets = 2};
    return clif_fb_ins(fb, &d);
}

clif_inst clif_fb_br_table(clif_fb *fb, clif_value index, const clif_block_call *deflt,
                           const clif_block_call *entries, uint32_t n) {
    if (!fb_ready(fb, "br_table")) return CLIF_NONE;
    if (!deflt || (n && !entries)) {
        fb_fail(fb, CLIF_ERR_ARGUMENT, "br_table: missing targets");
        return CLIF_NONE;
    }
    if (!fb_value_ok(fb, index, "br_table") || !targets_ok(fb, deflt, 1, "br_table") ||
        !targets_ok(fb, entries, n, "br_table"))
        return CLIF_NONE;
    clif_jump_table jt = clif_create_jump_table(fb->f, deflt, entries, n);
    clif_inst_desc d = {.opcode = CLIF_OP_BR_TABLE, .args = &index, .nargs = 1, .entity = jt};
    return clif_fb_ins(fb, &d);
}

clif_inst clif_fb_return(clif_fb *fb, const clif_value *vals, uint32_t n) {
    clif_inst_desc d = {.opcode = CLIF_OP_RETURN, .args = vals, .nargs = n};
    return clif_fb_ins(fb, &d);
}

clif_inst clif_fb_call(clif_fb *fb, clif_func_ref fn, const clif_value *args, uint32_t nargs) {
    if (!fb_ready(fb, "call")) return CLIF_NONE;
    if (fn >= fb->f->ext_funcs.len) {
        fb_fail(fb, CLIF_ERR_ARGUMENT, "call: fn%u does not exist", fn);
        return CLIF_NONE;
    }
    clif_inst_desc d = {.opcode = CLIF_OP_CALL, .entity = fn, .args = args, .nargs = nargs};
    return clif_fb_ins(fb, &d);
}

clif_inst clif_fb_call_indirect(clif_fb *fb, clif_sig_ref sig, clif_value callee,
                                const clif_value *args, uint32_t nargs) {
    if (!fb_ready(fb, "call_indirect")) return CLIF_NONE;
    if (sig >= fb->f->sigs.len) {
        fb_fail(fb, CLIF_ERR_ARGUMENT, "call_indirect: sig%u does not exist", sig);
        return CLIF_NONE;
    }
    if (nargs && !args) {
        fb_fail(fb, CLIF_ERR_ARGUMENT, "call_indirect: %u arguments but no array", nargs);
        return CLIF_NONE;
    }
    clif_value *all = cl_xmalloc(((size_t)nargs + 1) * sizeof *all);
    all[0] = callee;
    if (nargs) memcpy(all + 1, args, nargs * sizeof *args);
    clif_inst_desc d = {
        .opcode = CLIF_OP_CALL_INDIRECT, .entity = sig, .args = all, .nargs = nargs + 1};
    clif_inst i = clif_fb_ins(fb, &d);
    free(all);
    return i;
}

clif_inst clif_fb_trap(clif_fb *fb, clif_trap_code code) {
    clif_inst_desc d = {.opcode = CLIF_OP_TRAP, .trap = code};
    return clif_fb_ins(fb, &d);
}

clif_inst clif_fb_cond_trap(clif_fb *fb, clif_opcode op, clif_value c, clif_trap_code code) {
    if (!fb_ready(fb, "cond_trap")) return CLIF_NONE;
    if (op != CLIF_OP_TRAPZ && op != CLIF_OP_TRAPNZ) {
        fb_fail(fb, CLIF_ERR_ARGUMENT, "cond_trap: the opcode must be trapz or trapnz");
        return CLIF_NONE;
    }
    clif_inst_desc d = {.opcode = op, .trap = code, .args = &c, .nargs = 1};
    return clif_fb_ins(fb, &d);
}
