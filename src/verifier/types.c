/* Type checking against the opcode table: the controlling type lies in the
 * opcode's type set, each fixed operand meets its constraint letter (see the
 * top of opcodes.def) and each result has the type its rule derives. Calls
 * and returns are checked in calls.c. */
#include "verifier/vf.h"

#include <stdio.h>

static const char *const typeset_desc[] = {
    [CLIF_TS_NONE] = "{}",
    [CLIF_TS_INT] = "{i8, i16, i32, i64, i128}",
    [CLIF_TS_INTV] = "{integers and integer vectors}",
    [CLIF_TS_FLTV] = "{floats and float vectors}",
    [CLIF_TS_ANYV] = "{scalars and vectors}",
    [CLIF_TS_VEC] = "{vectors}",
    [CLIF_TS_IVEC] = "{integer vectors}",
    [CLIF_TS_ADDR] = "{i32, i64}",
    [CLIF_TS_EXT8] = "{i16, i32, i64, i128}",
    [CLIF_TS_EXT16] = "{i32, i64, i128}",
    [CLIF_TS_EXT32] = "{i64, i128}",
    [CLIF_TS_WIDE] = "{i16, i32, i64, i128}",
    [CLIF_TS_NARROW] = "{i8, i16, i32, i64}",
    [CLIF_TS_I8X16] = "{i8x16}",
    [CLIF_TS_I16X8] = "{i16x8}",
    [CLIF_TS_I32X4] = "{i32x4}",
    [CLIF_TS_I64X2] = "{i64x2}",
    [CLIF_TS_DYN] = "{dynamic vectors}",
};

/* The one type constraint letter `c` allows under controlling type T, or
 * CLIF_TYPE_INVALID when the letter allows a set. */
static clif_type bound_type(char c, clif_type T) {
    switch (c) {
    case 'T': return T;
    case 'l': return clif_type_lane(T);
    case '8': return CLIF_I8;
    case '4': return CLIF_I32;
    case 'q': return clif_type_vector(CLIF_F32, 2);
    case 'd': return clif_type_vector(CLIF_F64, 1);
    case 'b': return clif_type_vector(CLIF_I8, 4);
    default: return CLIF_TYPE_INVALID;
    }
}

static bool same_lanes(clif_type a, clif_type b) {
    return clif_type_log2_lanes(a) == clif_type_log2_lanes(b) &&
           clif_type_is_dynamic(a) == clif_type_is_dynamic(b);
}

static bool same_kind(clif_type a, clif_type b) {
    return (clif_type_is_int(a) && clif_type_is_int(b)) ||
           (clif_type_is_float(a) && clif_type_is_float(b));
}

/* Whether t is in the set letter `c` allows under T; describes the set. */
static bool in_set(char c, clif_type T, clif_type t, char *desc, size_t size) {
    char tn[24];
    clif_type_name(T, tn, sizeof tn);
    switch (c) {
    case 'A': snprintf(desc, size, "{i32, i64}"); return t == CLIF_I32 || t == CLIF_I64;
    case 'S':
        snprintf(desc, size, "{i8, i16, i32, i64, i128}");
        return clif_type_is_int(t) && !clif_type_is_vector(t);
    case 'n':
        snprintf(desc, size, "{narrower than %s}", tn);
        return same_kind(t, T) && same_lanes(t, T) &&
               clif_type_lane_bits(t) < clif_type_lane_bits(T);
    case 'w':
        snprintf(desc, size, "{wider than %s}", tn);
        return same_kind(t, T) && same_lanes(t, T) &&
               clif_type_lane_bits(t) > clif_type_lane_bits(T);
    case 'I':
        snprintf(desc, size, "{integers with the lanes of %s}", tn);
        return clif_type_is_int(t) && same_lanes(t, T);
    case 'F':
        snprintf(desc, size, "{floats with the lanes of %s}", tn);
        return clif_type_is_float(t) && same_lanes(t, T);
    case 'V':
        snprintf(desc, size, "{vectors}");
        return clif_type_is_vector(t) && !clif_type_is_dynamic(t);
    default: /* 'a', 'M' (bitcast sizes are checked in imm.c) */
        snprintf(desc, size, "{any type}");
        return t != CLIF_TYPE_INVALID;
    }
}

/* The controlling type of instruction d: from its suffix or its operand. */
static clif_type ctrl_type(const clif_func *f, const inst_data *d) {
    const clif_opcode_info *info = vf_info(d);
    switch (info->ctrl) {
    case CLIF_CTRL_NONE: return CLIF_TYPE_INVALID;
    case CLIF_CTRL_SUFFIX: return d->ctrl;
    default: return vf_vtype(f, vf_args(f, d)[info->ctrl - CLIF_CTRL_ARG0]);
    }
}

static void check_fixed_args(vf_ctx *cx, clif_inst i, const inst_data *d, clif_type T) {
    const clif_func *f = cx->f;
    const char *ops = vf_info(d)->operands;
    for (uint32_t k = 0; ops[k]; k++) {
        clif_value v = vf_args(f, d)[k];
        clif_type t = vf_vtype(f, v);
        clif_type want = bound_type(ops[k], T);
        if (want != CLIF_TYPE_INVALID) {
            if (t != want)
                vf_report(cx, i, CLIF_NONE, "arg %u (v%u) has type %s, expected %s", k, v,
                          vf_type(t).s, vf_type(want).s);
            continue;
        }
        char desc[64];
        if (!in_set(ops[k], T, t, desc, sizeof desc))
            vf_report(cx, i, CLIF_NONE, "arg %u (v%u) with type %s failed to satisfy type set %s",
                      k, v, vf_type(t).s, desc);
    }
}

static void check_results(vf_ctx *cx, clif_inst i, const inst_data *d, clif_type T) {
    const clif_func *f = cx->f;
    const clif_opcode_info *info = vf_info(d);
    for (uint32_t k = 0; k < d->nresults && k < 2; k++) {
        clif_value v = f->pool.data[d->results + k];
        clif_type t = f->values.data[v].type;
        clif_type want = clif_result_type((clif_result_rule)info->result[k], T);
        if (want == CLIF_TYPE_INVALID) {
            vf_report(cx, i, CLIF_NONE,
                      "has an invalid controlling type %s (no type for result %u derives from it)",
                      vf_type(T).s, k);
            return;
        }
        if (t != want)
            vf_report(cx, i, CLIF_NONE, "expected result %u (v%u) to have type %s, found %s", k, v,
                      vf_type(want).s, vf_type(t).s);
    }
}

/* The controlling type an instruction records (which the interpreter and the
 * backends read) must be the one its opcode derives: none for an opcode that
 * is not polymorphic, else the type of the designated operand. Cranelift
 * derives it every time; this IR stores it, so a function built or changed
 * through the API can disagree. */
static bool check_recorded_ctrl(vf_ctx *cx, clif_inst i, const inst_data *d, clif_type T) {
    const clif_opcode_info *info = vf_info(d);
    if (info->ctrl == CLIF_CTRL_NONE && d->ctrl != CLIF_TYPE_INVALID) {
        vf_report(cx, i, CLIF_NONE,
                  "records controlling type %s, but its opcode is not polymorphic",
                  vf_type(d->ctrl).s);
        return false;
    }
    if (info->ctrl >= CLIF_CTRL_ARG0 && d->ctrl != T) {
        vf_report(cx, i, CLIF_NONE, "records controlling type %s, but operand %u has type %s",
                  vf_type(d->ctrl).s, (unsigned)(info->ctrl - CLIF_CTRL_ARG0), vf_type(T).s);
        return false;
    }
    return true;
}

void vf_check_types(vf_ctx *cx, clif_inst i) {
    const clif_func *f = cx->f;
    const inst_data *d = &f->insts.data[i];
    const clif_opcode_info *info = vf_info(d);
    clif_type T = ctrl_type(f, d);
    if (info->ctrl != CLIF_CTRL_NONE && !clif_typeset_contains((clif_typeset)info->typeset, T)) {
        vf_report(cx, i, CLIF_NONE, "has an invalid controlling type %s (allowed set is %s)",
                  vf_type(T).s, typeset_desc[info->typeset]);
        return;
    }
    if (!check_recorded_ctrl(cx, i, d, T)) return;
    if (!(info->flags & CLIF_OPF_CALL)) check_results(cx, i, d, T);
    check_fixed_args(cx, i, d, T);
}
