/* SSA construction from variables, after Braun et al., "Simple and Efficient
 * Construction of Static Single Assignment Form" (CC 2013), in the shape of
 * cranelift-frontend's ssa.rs:
 *
 * - def_var records the last definition of a variable per block;
 * - use_var takes the local definition, else follows sealed single-predecessor
 *   chains to one, else adds a block parameter (the "sentinel" phi) and asks
 *   every predecessor for its definition; in a block not sealed yet that
 *   question waits for seal time;
 * - when all predecessors give the same value (ignoring the sentinel itself),
 *   the parameter is removed again and becomes an alias of that value;
 *   otherwise each predecessor branch gets the argument appended.
 *
 * The natural recursion over predecessors runs on explicit stacks (calls,
 * results), so the depth of the CFG never reaches the C stack. */
#include "frontend/fb.h"

#include <stdlib.h>
#include <string.h>

enum { SSA_USE_VAR, SSA_FINISH };

/* ---- (variable, block) -> value ---- */

#define DEF_EMPTY UINT64_MAX

static uint32_t def_slot(const clif_fb *fb, uint64_t key) {
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    uint32_t mask = fb->def_cap - 1, i = (uint32_t)(h >> 32) & mask;
    while (fb->def_keys[i] != DEF_EMPTY && fb->def_keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

static clif_value def_get(const clif_fb *fb, clif_variable var, clif_block b) {
    if (fb->def_cap == 0) return CLIF_NONE;
    uint32_t i = def_slot(fb, (uint64_t)var << 32 | b);
    return fb->def_keys[i] == DEF_EMPTY ? CLIF_NONE : fb->def_vals[i];
}

static void def_grow(clif_fb *fb) {
    uint32_t old = fb->def_cap;
    uint64_t *keys = fb->def_keys;
    clif_value *vals = fb->def_vals;
    fb->def_cap = old ? old * 2 : 64;
    fb->def_keys = cl_xmalloc(fb->def_cap * sizeof *fb->def_keys);
    fb->def_vals = cl_xmalloc(fb->def_cap * sizeof *fb->def_vals);
    memset(fb->def_keys, 0xff, fb->def_cap * sizeof *fb->def_keys);
    for (uint32_t k = 0; k < old; k++) {
        if (keys[k] == DEF_EMPTY) continue;
        uint32_t i = def_slot(fb, keys[k]);
        fb->def_keys[i] = keys[k];
        fb->def_vals[i] = vals[k];
    }
    free(keys);
    free(vals);
}

static void def_set(clif_fb *fb, clif_variable var, clif_block b, clif_value v) {
    if ((fb->def_len + 1) * 2 > fb->def_cap) def_grow(fb);
    uint64_t key = (uint64_t)var << 32 | b;
    uint32_t i = def_slot(fb, key);
    if (fb->def_keys[i] == DEF_EMPTY) fb->def_len++;
    fb->def_keys[i] = key;
    fb->def_vals[i] = v;
}

void ssa_clear(clif_fb *fb) {
    if (fb->def_cap) memset(fb->def_keys, 0xff, fb->def_cap * sizeof *fb->def_keys);
    fb->def_len = 0;
    vec_clear(fb->calls);
    vec_clear(fb->results);
}

void ssa_def_var(clif_fb *fb, clif_variable var, clif_block b, clif_value v) {
    def_set(fb, var, b, v);
}

void ssa_declare_pred(clif_fb *fb, clif_block b, clif_inst branch) {
    fb_block *bd = fb_blk(fb, b);
    uint32_t head = bd->preds, tail = bd->preds_tail;
    fb_list_push(fb, &head, &tail, branch);
    bd = fb_blk(fb, b);
    bd->preds = head;
    bd->preds_tail = tail;
    bd->npreds++;
}

/* ---- Editing the function ---- */

static clif_block inst_block(const clif_func *f, clif_inst i) {
    return f->inodes.data[i].block;
}

/* Puts instruction i (outside the layout) right after `after` in block b, or
 * first when `after` is CLIF_NONE. */
static void insert_after(clif_func *f, clif_block b, clif_inst after, clif_inst i) {
    block_data *bd = &f->blocks.data[b];
    inst_node *n = &f->inodes.data[i];
    n->block = b;
    n->prev = after;
    n->next = after == CLIF_NONE ? bd->first : f->inodes.data[after].next;
    if (after == CLIF_NONE)
        bd->first = i;
    else
        f->inodes.data[after].next = i;
    if (n->next == CLIF_NONE)
        bd->last = i;
    else
        f->inodes.data[n->next].prev = i;
}

static clif_value result0(const clif_func *f, clif_inst i) {
    return f->insts.data[i].nresults ? f->pool.data[f->insts.data[i].results] : CLIF_NONE;
}

/* A zero of type t at the top of block b, for a variable used without any
 * definition (only in unreachable code, or when the front end forgot to
 * initialise it). Dynamic vector variables are refused at declaration. */
static clif_value emit_zero(clif_fb *fb, clif_type t, clif_block b) {
    clif_func *f = fb->f;
    if (!f->blocks.data[b].in_layout) clif_append_block(f, b);
    clif_inst_desc d = {.ctrl_type = t};
    clif_type lane = clif_type_lane(t);
    bool widen = false;
    if (clif_type_is_vector(t) || t == CLIF_F128) {
        uint8_t zeros[64] = {0};
        d.opcode = t == CLIF_F128 ? CLIF_OP_F128CONST : CLIF_OP_VCONST;
        d.entity = clif_create_constant(f, zeros, clif_type_bytes(t));
    } else if (lane == CLIF_I128) {
        d.opcode = CLIF_OP_ICONST;
        d.ctrl_type = CLIF_I64;
        widen = true;
    } else if (clif_type_is_int(t)) {
        d.opcode = CLIF_OP_ICONST;
    } else {
        d.opcode = lane == CLIF_F16   ? CLIF_OP_F16CONST
                   : lane == CLIF_F32 ? CLIF_OP_F32CONST
                                      : CLIF_OP_F64CONST;
    }
    clif_inst i = clif_build(f, CLIF_NONE, &d);
    insert_after(f, b, CLIF_NONE, i);
    clif_value v = result0(f, i);
    if (widen) {
        clif_inst_desc u = {.opcode = CLIF_OP_UEXTEND, .ctrl_type = t, .args = &v, .nargs = 1};
        clif_inst j = clif_build(f, CLIF_NONE, &u);
        insert_after(f, b, i, j);
        v = result0(f, j);
    }
    return v;
}

/* Removes block parameter `v` and makes it an alias of `to`. */
static void param_to_alias(clif_func *f, clif_value v, clif_value to) {
    value_data *vd = &f->values.data[v];
    block_data *bd = &f->blocks.data[vd->owner];
    uint32_t *p = pool_at(f, bd->params);
    for (uint32_t k = vd->num + 1; k < bd->nparams; k++) {
        p[k - 1] = p[k];
        f->values.data[p[k - 1]].num = k - 1;
    }
    bd->nparams--;
    vd->kind = VK_ALIAS;
    vd->owner = to;
    vd->num = 0;
}

/* Appends value v to the arguments of block call c. */
static void append_call_arg(clif_func *f, uint32_t c, clif_value v) {
    block_call *bc = &f->block_calls.data[c];
    if (bc->nargs == 0 || bc->args + bc->nargs != f->pool.len) {
        uint32_t start = f->pool.len;
        vec_reserve(f->pool, bc->nargs + 1);
        for (uint32_t k = 0; k < bc->nargs; k++)
            f->pool.data[f->pool.len++] = f->pool.data[bc->args + k];
        bc->args = start;
    }
    vec_push(f->pool, v);
    bc->nargs++;
}

/* ---- The algorithm ---- */

/* Schedules the lookup of the variable in every predecessor of `block`, then
 * the decision about `sentinel` (FINISH runs last: it is pushed first). */
static void begin_predecessors_lookup(clif_fb *fb, clif_value sentinel, clif_block block) {
    fb_call fin = {SSA_FINISH, sentinel, block};
    vec_push(fb->calls, fin);
    uint32_t start = fb->calls.len;
    for (uint32_t n = fb->blocks.data[block].preds; n != CLIF_NONE; n = fb->nodes.data[n].next) {
        fb_call c = {SSA_USE_VAR, fb->nodes.data[n].item, 0};
        vec_push(fb->calls, c);
    }
    /* Reverse, so that the first predecessor is looked up first. */
    for (uint32_t i = start, j = fb->calls.len; i + 1 < j; i++, j--) {
        fb_call t = fb->calls.data[i];
        fb->calls.data[i] = fb->calls.data[j - 1];
        fb->calls.data[j - 1] = t;
    }
}

/* Finds the definition reaching the top of `block` along sealed
 * single-predecessor edges; without one, adds a parameter to the block where
 * the walk stopped. Leaves the definition (or the pending lookup that will
 * produce it) on the results stack; *from is the block it belongs to. */
static clif_value find_var(clif_fb *fb, clif_variable var, clif_type t, clif_block block,
                           clif_block *from) {
    uint32_t stamp = fb_next_stamp(fb);
    for (;;) {
        fb_block *bd = &fb->blocks.data[block];
        if (bd->single_pred == CLIF_NONE || bd->visit == stamp) break;
        bd->visit = stamp; /* a cycle of single predecessors is dead code: stop there */
        block = bd->single_pred;
        clif_value v = def_get(fb, var, block);
        if (v != CLIF_NONE) {
            vec_push(fb->results, v);
            *from = block;
            return v;
        }
    }
    clif_value val = clif_append_block_param(fb->f, block, t);
    def_set(fb, var, block, val);
    fb_block *bd = &fb->blocks.data[block];
    if (bd->sealed) {
        begin_predecessors_lookup(fb, val, block);
    } else {
        uint32_t head = bd->undef, tail = bd->undef_tail;
        fb_list_push(fb, &head, &tail, var);
        bd = &fb->blocks.data[block];
        bd->undef = head;
        bd->undef_tail = tail;
        bd->nundef++;
        vec_push(fb->results, val);
    }
    *from = block;
    return val;
}

static void use_var_nonlocal(clif_fb *fb, clif_variable var, clif_type t, clif_block block) {
    clif_value v = def_get(fb, var, block);
    if (v != CLIF_NONE) {
        vec_push(fb->results, v);
        return;
    }
    clif_block from;
    clif_value val = find_var(fb, var, t, block, &from);
    /* The blocks between here and `from` define nothing: they see val. */
    while (block != from) {
        def_set(fb, var, block, val);
        block = fb->blocks.data[block].single_pred;
    }
}

/* All predecessor definitions of the variable in dest are on the results
 * stack, in predecessor order. Keeps the sentinel parameter when they differ
 * (passing each as a branch argument), else replaces it by the one value. */
static clif_value finish_predecessors_lookup(clif_fb *fb, clif_value sentinel, clif_block dest) {
    clif_func *f = fb->f;
    uint32_t n = fb->blocks.data[dest].npreds;
    uint32_t base = fb->results.len - n;
    clif_value same = CLIF_NONE;
    bool differ = false;
    for (uint32_t i = 0; i < n && !differ; i++) {
        clif_value v = ir_resolve(f, fb->results.data[base + i]);
        if (v == sentinel) continue;
        if (same == CLIF_NONE)
            same = v;
        else if (v != same)
            differ = true;
    }
    if (!differ) {
        if (same == CLIF_NONE) same = emit_zero(fb, f->values.data[sentinel].type, dest);
        param_to_alias(f, sentinel, same);
        fb->results.len = base;
        return same;
    }
    uint32_t idx = 0;
    for (uint32_t p = fb->blocks.data[dest].preds; p != CLIF_NONE; p = fb->nodes.data[p].next) {
        fb_branch_calls(fb, fb->nodes.data[p].item);
        for (uint32_t k = 0; k < fb->scratch.len; k++) {
            uint32_t c = fb->scratch.data[k];
            if (f->block_calls.data[c].block == dest)
                append_call_arg(f, c, fb->results.data[base + idx]);
        }
        idx++;
    }
    fb->results.len = base;
    return sentinel;
}

/* Runs the scheduled steps for one variable; returns its value. */
static clif_value run_state_machine(clif_fb *fb, clif_variable var, clif_type t) {
    while (fb->calls.len) {
        fb_call c = fb->calls.data[--fb->calls.len];
        if (c.kind == SSA_USE_VAR) {
            use_var_nonlocal(fb, var, t, inst_block(fb->f, c.a));
        } else {
            clif_value v = finish_predecessors_lookup(fb, c.a, c.b);
            vec_push(fb->results, v);
        }
    }
    /* Exactly one value is left: the answer to the first question. */
    return fb->results.data[--fb->results.len];
}

clif_value ssa_use_var(clif_fb *fb, clif_variable var, clif_type t, clif_block b) {
    use_var_nonlocal(fb, var, t, b);
    return run_state_machine(fb, var, t);
}

void ssa_seal(clif_fb *fb, clif_block b) {
    clif_func *f = fb->f;
    fb_block *bd = fb_blk(fb, b);
    if (bd->sealed) return;
    bd->sealed = true;
    if (bd->npreds == 1) bd->single_pred = inst_block(f, fb->nodes.data[bd->preds].item);
    uint32_t n = bd->nundef, node = bd->undef;
    bd->undef = bd->undef_tail = CLIF_NONE;
    bd->nundef = 0;
    /* The pending parameters are the last n of the block, in the order the
     * variables were queued; earlier ones may disappear as we go, so index
     * from the end. */
    for (uint32_t idx = 0; idx < n; idx++) {
        clif_variable var = fb->nodes.data[node].item;
        node = fb->nodes.data[node].next;
        const block_data *blk = &f->blocks.data[b];
        clif_value val = f->pool.data[blk->params + blk->nparams - (n - idx)];
        begin_predecessors_lookup(fb, val, b);
        run_state_machine(fb, var, f->values.data[val].type);
    }
}
