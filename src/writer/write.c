/* Writing a function as CLIF text, in the layout of Cranelift's write.rs:
 *
 *   function %name(i32) -> i32 system_v {
 *       ss0 = explicit_slot 8          (the preamble, one entity a line)
 *
 *   block0(v0: i32):
 *       v1 = iadd v0, v0
 *       v2 -> v1                       (aliases follow the value they name)
 *       return v1
 *   }
 *
 * Preamble order: stack slots, global values, dynamic types, dynamic stack
 * slots, signatures, function references, constants, stack limit. Cranelift
 * prints dynamic stack slots first and no dynamic types at all, which cannot
 * be read back; we print the dynamic types after the global values they use
 * and the dynamic slots after the types they use, so that every entity is
 * defined before it is named. Entities the text never
 * declared (gaps in the source numbering) are skipped; constants are numbered
 * as Cranelift's pool numbers them (see wr_consts). */
#include "clif/writer.h"

#include <stdlib.h>

#include "ir/immediates.h"
#include "writer/write.h"

void wr_name(strbuf *sb, const clif_func *f, const name_data *n) {
    if (n->kind == CLIF_NAME_USER)
        sb_printf(sb, "u%u:%u", n->ns, n->index);
    else
        sb_printf(sb, "%%%s", n->str < f->strings.len ? ir_str(f, n->str) : "");
}

static void write_abi_params(strbuf *sb, const clif_func *f, uint32_t first, uint32_t n) {
    if (!ir_range_ok(first, n, f->abi_params.len)) {
        sb_puts(sb, "invalid");
        return;
    }
    for (uint32_t k = 0; k < n; k++) {
        const clif_abi_param *p = &f->abi_params.data[first + k];
        if (k) sb_puts(sb, ", ");
        wr_type(sb, p->type);
        const char *ext = ir_arg_ext_name(p->ext), *purpose = ir_arg_purpose_name(p->purpose);
        if (p->ext != CLIF_EXT_NONE && ext) sb_printf(sb, " %s", ext);
        if (p->purpose == CLIF_ARG_STRUCT)
            sb_printf(sb, " %s(%u)", purpose, p->size);
        else if (p->purpose != CLIF_ARG_NORMAL && purpose)
            sb_printf(sb, " %s", purpose);
    }
}

void wr_signature(strbuf *sb, const clif_func *f, const sig_data *s) {
    sb_putc(sb, '(');
    write_abi_params(sb, f, s->params, s->nparams);
    sb_putc(sb, ')');
    if (s->nreturns) {
        sb_puts(sb, " -> ");
        write_abi_params(sb, f, s->returns, s->nreturns);
    }
    sb_printf(sb, " %s", clif_callconv_name((clif_callconv)s->callconv));
}

/* ---- Preamble ---- */

static void write_gv(strbuf *sb, const clif_func *f, const gv_data *g) {
    switch (g->kind) {
    case CLIF_GV_VMCTX: sb_puts(sb, "vmctx"); break;
    case CLIF_GV_LOAD:
        sb_puts(sb, "load.");
        wr_type(sb, g->type);
        wr_memflags(sb, g->flags);
        sb_printf(sb, " gv%u", g->base);
        imm_write_offset32(sb, g->offset);
        break;
    case CLIF_GV_IADD_IMM:
        sb_puts(sb, "iadd_imm.");
        wr_type(sb, g->type);
        sb_printf(sb, " gv%u, ", g->base);
        imm_write_imm64(sb, g->offset);
        break;
    case CLIF_GV_SYMBOL:
        sb_puts(sb, "symbol ");
        if (g->colocated) sb_puts(sb, "colocated ");
        if (g->tls) sb_puts(sb, "tls ");
        wr_name(sb, f, &g->name);
        /* `u1:2-8` would lex as one number: a user name keeps its offset apart. */
        if (g->offset != 0 && g->name.kind == CLIF_NAME_USER) sb_putc(sb, ' ');
        if (g->offset > 0) sb_putc(sb, '+');
        if (g->offset != 0) imm_write_imm64(sb, g->offset);
        break;
    case CLIF_GV_DYN_SCALE:
        sb_puts(sb, "dyn_scale_target_const.");
        wr_type(sb, g->type);
        break;
    default: sb_printf(sb, "invalid"); break;
    }
}

void wr_consts_init(wr_consts *c, const clif_func *f) {
    uint32_t n = f->constants.len;
    c->num = cl_xmalloc((n ? n : 1) * sizeof *c->num);
    c->declare = cl_xcalloc(n ? n : 1, sizeof *c->declare);
    bool *mask = cl_xcalloc(n ? n : 1, sizeof *mask);
    for (uint32_t i = 0; i < f->insts.len; i++) {
        const inst_data *d = &f->insts.data[i];
        clif_format fmt = (clif_format)clif_opcode_info_of((clif_opcode)d->opcode)->format;
        if (d->ent >= n) continue;
        if (fmt == CLIF_FMT_UNARY_CONST) c->declare[d->ent] = true;
        if (fmt == CLIF_FMT_SHUFFLE) mask[d->ent] = true;
    }
    uint32_t masks = 0;
    for (uint32_t k = 0; k < n; k++) {
        const constant_data *cd = &f->constants.data[k];
        if (cd->used && !cd->anon && !mask[k]) c->declare[k] = true;
        c->num[k] = k - masks;
        if (mask[k] && !c->declare[k]) masks++;
    }
    free(mask);
}

void wr_consts_free(wr_consts *c) {
    free(c->num);
    free(c->declare);
}

/* Writes the preamble; returns whether it wrote anything. */
static bool write_preamble(strbuf *sb, const clif_func *f, const wr_consts *consts) {
    size_t start = sb->len;
    for (uint32_t i = 0; i < f->stack_slots.len; i++) {
        const stack_slot_data *s = &f->stack_slots.data[i];
        if (!s->used || s->kind == CLIF_SS_EXPLICIT_DYNAMIC) continue;
        sb_printf(sb, "    ss%u = explicit_slot %u", i, s->size);
        if (s->align_shift) sb_printf(sb, ", align = %u", 1u << (s->align_shift & 31));
        sb_putc(sb, '\n');
    }
    for (uint32_t i = 0; i < f->gvs.len; i++) {
        if (!f->gvs.data[i].used) continue;
        sb_printf(sb, "    gv%u = ", i);
        write_gv(sb, f, &f->gvs.data[i]);
        sb_putc(sb, '\n');
    }
    for (uint32_t i = 0; i < f->dyn_types.len; i++) {
        const dyn_type_data *dt = &f->dyn_types.data[i];
        if (!dt->used) continue;
        sb_printf(sb, "    dt%u = ", i);
        wr_type(sb, dt->base);
        sb_printf(sb, "*gv%u\n", dt->scale);
    }
    for (uint32_t i = 0; i < f->stack_slots.len; i++) {
        const stack_slot_data *s = &f->stack_slots.data[i];
        if (s->used && s->kind == CLIF_SS_EXPLICIT_DYNAMIC)
            sb_printf(sb, "    dss%u = explicit_dynamic_slot dt%u\n", i, s->dyn_type);
    }
    for (uint32_t i = 0; i < f->sigs.len; i++) {
        if (!f->sigs.data[i].used) continue;
        sb_printf(sb, "    sig%u = ", i);
        wr_signature(sb, f, &f->sigs.data[i]);
        sb_putc(sb, '\n');
    }
    for (uint32_t i = 0; i < f->ext_funcs.len; i++) {
        const ext_func_data *e = &f->ext_funcs.data[i];
        if (!e->used || e->sig == CLIF_NONE) continue;
        sb_printf(sb, "    fn%u = %s", i, e->colocated ? "colocated " : "");
        wr_name(sb, f, &e->name);
        sb_printf(sb, " sig%u\n", e->sig);
    }
    for (uint32_t i = 0; i < f->constants.len; i++) {
        if (!consts->declare[i]) continue;
        sb_printf(sb, "    const%u = ", consts->num[i]);
        uint32_t len;
        const uint8_t *bytes = wr_constant_bytes(f, i, &len);
        if (bytes || f->constants.data[i].len == 0)
            imm_write_bytes(sb, bytes, len);
        else
            sb_puts(sb, "invalid");
        sb_putc(sb, '\n');
    }
    if (f->stack_limit != CLIF_NONE) sb_printf(sb, "    stack_limit = gv%u\n", f->stack_limit);
    return sb->len != start;
}

/* ---- Aliases ---- */

/* For every value, the aliases that name it directly, in value order: the
 * aliases of value v are list[start[v] .. start[v+1]). */
typedef struct alias_map {
    uint32_t *start, *list, *stack;
} alias_map;

static void alias_map_build(alias_map *m, const clif_func *f) {
    uint32_t n = f->values.len;
    m->start = cl_xcalloc((size_t)n + 2, sizeof *m->start);
    m->list = cl_xmalloc(((size_t)n + 1) * sizeof *m->list);
    m->stack = cl_xmalloc(((size_t)n + 1) * sizeof *m->stack);
    for (uint32_t v = 0; v < n; v++) {
        const value_data *vd = &f->values.data[v];
        if (vd->kind == VK_ALIAS && vd->owner < n) m->start[vd->owner + 2]++;
    }
    for (uint32_t v = 0; v < n; v++)
        m->start[v + 2] += m->start[v + 1];
    for (uint32_t v = 0; v < n; v++) {
        const value_data *vd = &f->values.data[v];
        if (vd->kind == VK_ALIAS && vd->owner < n) m->list[m->start[vd->owner + 1]++] = v;
    }
}

static void alias_map_free(alias_map *m) {
    free(m->start);
    free(m->list);
    free(m->stack);
}

/* `    a -> target` for every alias of target, then, depth first from the last,
 * the aliases of those aliases (Cranelift's write_value_aliases). */
static void write_aliases(strbuf *sb, const clif_func *f, const alias_map *m, clif_value target) {
    if (target >= f->values.len) return;
    uint32_t top = 0, budget = f->values.len;
    m->stack[top++] = target;
    while (top > 0) {
        clif_value t = m->stack[--top];
        for (uint32_t k = m->start[t]; k < m->start[t + 1] && budget > 0; k++, budget--) {
            sb_printf(sb, "    v%u -> v%u\n", m->list[k], t);
            m->stack[top++] = m->list[k];
        }
    }
}

/* ---- Blocks ---- */

static void write_block(strbuf *sb, const clif_func *f, const wr_consts *consts, const alias_map *m,
                        clif_block b) {
    const block_data *bd = &f->blocks.data[b];
    sb_printf(sb, "block%u", b);
    uint32_t nparams = ir_range_ok(bd->params, bd->nparams, f->pool.len) ? bd->nparams : 0;
    if (nparams != bd->nparams) sb_puts(sb, "(invalid)");
    if (nparams) {
        sb_putc(sb, '(');
        for (uint32_t k = 0; k < nparams; k++) {
            clif_value v = f->pool.data[bd->params + k];
            if (k) sb_puts(sb, ", ");
            sb_printf(sb, "v%u: ", v);
            wr_type(sb, v < f->values.len ? f->values.data[v].type : CLIF_TYPE_INVALID);
        }
        sb_putc(sb, ')');
    }
    sb_puts(sb, bd->cold ? " cold:\n" : ":\n");
    for (uint32_t k = 0; k < nparams; k++)
        write_aliases(sb, f, m, f->pool.data[bd->params + k]);
    uint32_t guard = 0;
    for (clif_inst i = bd->first; i < f->insts.len && guard++ < f->insts.len;
         i = f->inodes.data[i].next) {
        sb_puts(sb, "    ");
        wr_inst(sb, f, consts, i, true);
        sb_putc(sb, '\n');
        const inst_data *d = &f->insts.data[i];
        if (!ir_range_ok(d->results, d->nresults, f->pool.len)) continue;
        for (uint32_t k = 0; k < d->nresults; k++)
            write_aliases(sb, f, m, f->pool.data[d->results + k]);
    }
}

char *clif_func_to_string(const clif_func *f) {
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, "function ");
    wr_name(&sb, f, &f->name);
    wr_signature(&sb, f, &f->sig);
    sb_puts(&sb, " {\n");
    alias_map m;
    alias_map_build(&m, f);
    wr_consts consts;
    wr_consts_init(&consts, f);
    bool any = write_preamble(&sb, f, &consts);
    uint32_t guard = 0;
    for (clif_block b = f->first_block; b < f->blocks.len && guard++ < f->blocks.len;
         b = f->blocks.data[b].next) {
        if (any) sb_putc(&sb, '\n');
        write_block(&sb, f, &consts, &m, b);
        any = true;
    }
    alias_map_free(&m);
    wr_consts_free(&consts);
    sb_puts(&sb, "}\n");
    return sb_take(&sb);
}

char *clif_inst_to_string(const clif_func *f, clif_inst i) {
    strbuf sb;
    sb_init(&sb);
    if (i < f->insts.len) {
        wr_consts consts;
        wr_consts_init(&consts, f);
        wr_inst(&sb, f, &consts, i, false);
        wr_consts_free(&consts);
    } else
        sb_printf(&sb, "inst%u (no such instruction)", i);
    return sb_take(&sb);
}
