/* The switch helper, as cranelift-frontend's switch.rs: sort the entries,
 * group contiguous indices into ranges, then emit a binary search over the
 * ranges (icmp uge + brif, on an explicit stack) whose leaves test up to
 * three ranges linearly; a one-entry range is an equality test, a longer one
 * a br_table. */
#include "frontend/fb.h"

#include <stdlib.h>

typedef struct sw_entry {
    uint64_t index;
    clif_block block;
} sw_entry;

struct clif_switch {
    VEC(sw_entry) entries;
};

/* Entries [start, start + n) of the sorted list, indices first, first+1, ... */
typedef struct sw_range {
    uint64_t first;
    uint32_t start, n;
} sw_range;

/* Ranges [lo, hi) still to dispatch, from `block` (CLIF_NONE: the current one). */
typedef struct sw_task {
    clif_block block;
    uint32_t lo, hi;
} sw_task;

typedef struct sw_ctx {
    clif_fb *fb;
    const sw_entry *e;
    const sw_range *r;
    clif_value val;
    clif_type type;
    clif_block otherwise;
} sw_ctx;

clif_switch *clif_switch_new(void) {
    return cl_xcalloc(1, sizeof(clif_switch));
}

void clif_switch_free(clif_switch *s) {
    if (!s) return;
    vec_free(s->entries);
    free(s);
}

void clif_switch_set_entry(clif_switch *s, uint64_t index, clif_block b) {
    sw_entry e = {index, b};
    vec_push(s->entries, e);
}

uint32_t clif_switch_num_entries(const clif_switch *s) {
    return s->entries.len;
}

static int cmp_entry(const void *a, const void *b) {
    uint64_t x = ((const sw_entry *)a)->index, y = ((const sw_entry *)b)->index;
    return x < y ? -1 : x > y;
}

/* The constant k in the switch value's type. */
static clif_value sw_const(sw_ctx *cx, uint64_t k) {
    if (cx->type == CLIF_I128)
        return clif_fb_unary(cx->fb, CLIF_OP_UEXTEND, CLIF_I128,
                             clif_fb_iconst(cx->fb, CLIF_I64, (int64_t)k));
    return clif_fb_iconst(cx->fb, cx->type, (int64_t)k);
}

static clif_value sw_cmp(sw_ctx *cx, clif_intcc cc, uint64_t k) {
    return clif_fb_icmp(cx->fb, cc, cx->val, sw_const(cx, k));
}

static void sw_brif(sw_ctx *cx, clif_value c, clif_block then_, clif_block else_) {
    clif_block_call t = {then_, NULL, 0}, e = {else_, NULL, 0};
    clif_fb_brif(cx->fb, c, &t, &e);
}

/* A fresh block the search continues in: sealed (its only predecessor is
 * already built) and made current. */
static void sw_continue_in(sw_ctx *cx, clif_block b) {
    clif_fb_seal_block(cx->fb, b);
    clif_fb_switch_to_block(cx->fb, b);
}

/* br_table over range r: index val - first, narrowed or widened to i32. */
static void sw_jump_table(sw_ctx *cx, const sw_range *r) {
    clif_fb *fb = cx->fb;
    clif_value discr = cx->val;
    if (r->first != 0) discr = clif_fb_binary(fb, CLIF_OP_ISUB, discr, sw_const(cx, r->first));
    unsigned bits = clif_type_bits(cx->type);
    if (bits > 32) {
        /* Beyond u32 the table cannot be indexed: those go to the default. */
        clif_value big = clif_fb_icmp(fb, CLIF_ICC_UGT, discr, sw_const(cx, UINT32_MAX));
        clif_block nb = clif_fb_create_block(fb);
        sw_brif(cx, big, cx->otherwise, nb);
        sw_continue_in(cx, nb);
        discr = clif_fb_unary(fb, CLIF_OP_IREDUCE, CLIF_I32, discr);
    } else if (bits < 32) {
        discr = clif_fb_unary(fb, CLIF_OP_UEXTEND, CLIF_I32, discr);
    }
    clif_block_call *calls = cl_xmalloc(r->n * sizeof *calls);
    for (uint32_t k = 0; k < r->n; k++) {
        clif_block_call c = {cx->e[r->start + k].block, NULL, 0};
        calls[k] = c;
    }
    clif_block_call d = {cx->otherwise, NULL, 0};
    clif_fb_br_table(fb, discr, &d, calls, r->n);
    free(calls);
}

/* Tests ranges [lo, hi) from the highest down; the lowest falls back to the
 * default block. */
static void sw_linear(sw_ctx *cx, uint32_t lo, uint32_t hi) {
    for (uint32_t ix = hi; ix-- > lo;) {
        const sw_range *r = &cx->r[ix];
        clif_block alt = ix == lo ? cx->otherwise : clif_fb_create_block(cx->fb);
        if (r->first == 0) {
            /* Only the lowest range can start at 0. */
            if (r->n == 1)
                sw_brif(cx, cx->val, cx->otherwise, cx->e[r->start].block);
            else
                sw_jump_table(cx, r);
        } else if (r->n == 1) {
            sw_brif(cx, sw_cmp(cx, CLIF_ICC_EQ, r->first), cx->e[r->start].block, alt);
        } else {
            clif_value c = sw_cmp(cx, CLIF_ICC_UGE, r->first);
            clif_block jt = clif_fb_create_block(cx->fb);
            sw_brif(cx, c, jt, alt);
            sw_continue_in(cx, jt);
            sw_jump_table(cx, r);
        }
        if (alt != cx->otherwise) sw_continue_in(cx, alt);
    }
}

static void sw_search(sw_ctx *cx, uint32_t nranges) {
    clif_fb *fb = cx->fb;
    if (nranges == 0) {
        clif_fb_jump(fb, cx->otherwise, NULL, 0);
        return;
    }
    VEC(sw_task) stack = {0};
    sw_task t0 = {CLIF_NONE, 0, nranges};
    vec_push(stack, t0);
    while (stack.len && !clif_fb_error(fb)) {
        sw_task t = stack.data[--stack.len];
        if (t.block != CLIF_NONE) clif_fb_switch_to_block(fb, t.block);
        if (t.hi - t.lo <= 3) {
            sw_linear(cx, t.lo, t.hi);
            continue;
        }
        uint32_t mid = t.lo + (t.hi - t.lo) / 2;
        clif_block left = clif_fb_create_block(fb), right = clif_fb_create_block(fb);
        sw_brif(cx, sw_cmp(cx, CLIF_ICC_UGE, cx->r[mid].first), right, left);
        clif_fb_seal_block(fb, left);
        clif_fb_seal_block(fb, right);
        sw_task l = {left, t.lo, mid}, r = {right, mid, t.hi};
        vec_push(stack, l);
        vec_push(stack, r);
    }
    vec_free(stack);
}

bool clif_switch_emit(clif_switch *s, clif_fb *fb, clif_value val, clif_block otherwise) {
    sw_entry *e = s->entries.data;
    uint32_t n = s->entries.len;
    s->entries.len = 0; /* consumed, whatever happens */
    if (fb->err) return false;
    if (!fb->f) return fb_fail(fb, CLIF_ERR_ARGUMENT, "switch: no function (call clif_fb_begin)");
    const clif_func *f = fb->f;
    if (val >= f->values.len || f->values.data[val].kind == VK_UNUSED)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "switch: the index is not a value of the function");
    clif_type t = f->values.data[val].type;
    if (!clif_type_is_int(t) || clif_type_is_vector(t)) {
        char name[32];
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "switch: the index must be a scalar integer, not %s",
                       clif_type_name(t, name, sizeof name));
    }
    if (otherwise >= f->blocks.len)
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "switch: default block%u does not exist", otherwise);
    if (n) qsort(e, n, sizeof *e, cmp_entry);
    unsigned bits = clif_type_bits(t);
    for (uint32_t k = 0; k < n; k++) {
        if (k && e[k].index == e[k - 1].index)
            return fb_fail(fb, CLIF_ERR_ARGUMENT, "switch: entry %llu is set twice",
                           (unsigned long long)e[k].index);
        if (e[k].block >= f->blocks.len)
            return fb_fail(fb, CLIF_ERR_ARGUMENT, "switch: entry %llu: block%u does not exist",
                           (unsigned long long)e[k].index, e[k].block);
    }
    if (n && bits < 64 && e[n - 1].index >> bits) {
        char name[32];
        return fb_fail(fb, CLIF_ERR_ARGUMENT, "switch: entry %llu does not fit the index type %s",
                       (unsigned long long)e[n - 1].index, clif_type_name(t, name, sizeof name));
    }
    sw_range *ranges = cl_xmalloc(((size_t)n + 1) * sizeof *ranges);
    uint32_t nr = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (nr && e[k].index == e[k - 1].index + 1) {
            ranges[nr - 1].n++;
        } else {
            sw_range r = {e[k].index, k, 1};
            ranges[nr++] = r;
        }
    }
    sw_ctx cx = {fb, e, ranges, val, t, otherwise};
    sw_search(&cx, nr);
    free(ranges);
    return fb->err == NULL;
}
