/* The opcode table and the small name tables of CLIF. */
#include "clif/opcodes.h"

#include "ir/function.h"

#include <stdio.h>
#include <string.h>

#define CN       CLIF_CTRL_NONE
#define CS       CLIF_CTRL_SUFFIX
#define C0       CLIF_CTRL_ARG0
#define C1       CLIF_CTRL_ARG1
#define C2       CLIF_CTRL_ARG2
#define F_TERM   CLIF_OPF_TERM
#define F_BRANCH CLIF_OPF_BRANCH
#define F_CALL   CLIF_OPF_CALL
#define F_RET    CLIF_OPF_RET
#define F_TRAP   CLIF_OPF_TRAP
#define F_LOAD   CLIF_OPF_LOAD
#define F_STORE  CLIF_OPF_STORE
#define F_SIDE   CLIF_OPF_SIDE
#define F_COMMUT CLIF_OPF_COMMUT

static const clif_opcode_info opcode_table[CLIF_OP_COUNT] = {
    [CLIF_OP_INVALID] = {"invalid", CLIF_FMT_NULLARY, CN, CLIF_TS_NONE, 0, {0, 0}, "", 0},
#define OP(ID, NAME, FMT, CTRL, TS, NRES, R0, R1, ARGS, FLAGS)                                     \
    [CLIF_OP_##                                                                                    \
        ID] = {NAME, CLIF_FMT_##FMT, CTRL, CLIF_##TS, NRES, {CLIF_##R0, CLIF_##R1}, ARGS, FLAGS},
#include "clif/opcodes.def"
#undef OP
};

const clif_opcode_info *clif_opcode_info_of(clif_opcode op) {
    if ((unsigned)op >= CLIF_OP_COUNT) op = CLIF_OP_INVALID;
    return &opcode_table[op];
}

static bool name_eq(const char *name, const char *s, size_t len) {
    return strncmp(name, s, len) == 0 && name[len] == 0;
}

clif_opcode clif_opcode_from_name(const char *s, size_t len) {
    /* A linear scan over 163 names is cheap next to lexing; a perfect hash can come later. */
    for (int op = 1; op < CLIF_OP_COUNT; op++)
        if (name_eq(opcode_table[op].name, s, len)) return (clif_opcode)op;
    return CLIF_OP_INVALID;
}

static const char *const format_names[] = {
#define X(F) #F,
    CLIF_FORMATS(X)
#undef X
};

const char *clif_format_name(clif_format f) {
    return (unsigned)f < CLIF_FMT_COUNT ? format_names[f] : "invalid";
}

bool clif_typeset_contains(clif_typeset ts, clif_type t) {
    if (t == CLIF_TYPE_INVALID) return false;
    bool vec = clif_type_is_vector(t), dyn = clif_type_is_dynamic(t);
    bool isint = clif_type_is_int(t);
    unsigned bits = clif_type_lane_bits(t);
    if (dyn && ts != CLIF_TS_DYN) {
        /* A dynamic vector is allowed where its fixed-size vector is (Cranelift's
         * dynamic_simd_lanes). */
        if (ts != CLIF_TS_INTV && ts != CLIF_TS_FLTV && ts != CLIF_TS_ANYV && ts != CLIF_TS_VEC &&
            ts != CLIF_TS_IVEC)
            return false;
    }
    switch (ts) {
    case CLIF_TS_NONE: return false;
    case CLIF_TS_INT: return isint && !vec;
    case CLIF_TS_INTV: return isint;
    case CLIF_TS_FLTV: return clif_type_is_float(t);
    case CLIF_TS_ANYV: return true;
    case CLIF_TS_VEC: return vec;
    case CLIF_TS_IVEC: return vec && isint;
    case CLIF_TS_ADDR: return t == CLIF_I32 || t == CLIF_I64;
    case CLIF_TS_EXT8: return isint && !vec && bits > 8;
    case CLIF_TS_EXT16: return isint && !vec && bits > 16;
    case CLIF_TS_EXT32: return isint && !vec && bits > 32;
    case CLIF_TS_WIDE: return isint && !vec && bits > 8;
    case CLIF_TS_NARROW: return isint && !vec && bits < 128;
    case CLIF_TS_I8X16: return t == clif_type_vector(CLIF_I8, 4);
    case CLIF_TS_I16X8: return t == clif_type_vector(CLIF_I16, 3);
    case CLIF_TS_I32X4: return t == clif_type_vector(CLIF_I32, 2);
    case CLIF_TS_I64X2: return t == clif_type_vector(CLIF_I64, 1);
    case CLIF_TS_DYN: return dyn;
    }
    return false;
}

clif_type clif_result_type(clif_result_rule rule, clif_type t) {
    switch (rule) {
    case CLIF_R_NONE: return CLIF_TYPE_INVALID;
    case CLIF_R_T: return t;
    case CLIF_R_I8: return CLIF_I8;
    case CLIF_R_BOOL: return clif_type_is_vector(t) ? clif_type_as_int(t) : CLIF_I8;
    case CLIF_R_LANE: return clif_type_lane(t);
    case CLIF_R_HALF: return clif_type_half_width(t);
    case CLIF_R_DOUBLE: return clif_type_double_width(t);
    case CLIF_R_SPLIT: return clif_type_split_lanes(t);
    case CLIF_R_MERGE: return clif_type_merge_lanes(t);
    case CLIF_R_F16: return CLIF_F16;
    case CLIF_R_F32: return CLIF_F32;
    case CLIF_R_F64: return CLIF_F64;
    case CLIF_R_F128: return CLIF_F128;
    case CLIF_R_F32X4: return clif_type_vector(CLIF_F32, 2);
    case CLIF_R_F64X2: return clif_type_vector(CLIF_F64, 1);
    case CLIF_R_I16X8: return clif_type_vector(CLIF_I16, 3);
    case CLIF_R_DYN2VEC: return (clif_type)(t & ~CLIF_TYPE_DYN);
    }
    return CLIF_TYPE_INVALID;
}

static const char *const intcc_names[] = {
#define X(ID, N) N,
    CLIF_INTCCS(X)
#undef X
};
static const char *const floatcc_names[] = {
#define X(ID, N) N,
    CLIF_FLOATCCS(X)
#undef X
};
static const char *const atomic_names[] = {
#define X(ID, N) N,
    CLIF_ATOMIC_OPS(X)
#undef X
};
static const char *const callconv_names[] = {
#define X(ID, N) N,
    CLIF_CALLCONVS(X)
#undef X
};

static const char *const arg_ext_names[] = {
#define X(ID, N) N,
    CLIF_ARG_EXTS(X)
#undef X
};
static const char *const arg_purpose_names[] = {
#define X(ID, N) N,
    CLIF_ARG_PURPOSES(X)
#undef X
};

static int lookup(const char *const *names, int count, const char *s, size_t len) {
    for (int i = 0; i < count; i++)
        if (len && name_eq(names[i], s, len)) return i;
    return -1;
}

#define COUNT(a) (int)(sizeof a / sizeof a[0])

const char *ir_arg_ext_name(unsigned ext) {
    return ext < (unsigned)COUNT(arg_ext_names) ? arg_ext_names[ext] : NULL;
}
const char *ir_arg_purpose_name(unsigned purpose) {
    return purpose < (unsigned)COUNT(arg_purpose_names) ? arg_purpose_names[purpose] : NULL;
}
int ir_arg_ext_from_name(const char *s, size_t len) {
    return lookup(arg_ext_names, COUNT(arg_ext_names), s, len);
}
int ir_arg_purpose_from_name(const char *s, size_t len) {
    return lookup(arg_purpose_names, COUNT(arg_purpose_names), s, len);
}

const char *clif_intcc_name(clif_intcc cc) {
    return (unsigned)cc < CLIF_ICC_COUNT ? intcc_names[cc] : "invalid";
}
const char *clif_floatcc_name(clif_floatcc cc) {
    return (unsigned)cc < CLIF_FCC_COUNT ? floatcc_names[cc] : "invalid";
}
const char *clif_atomic_op_name(clif_atomic_op op) {
    return (unsigned)op < CLIF_ATOMIC_COUNT ? atomic_names[op] : "invalid";
}
const char *clif_callconv_name(clif_callconv cc) {
    return (unsigned)cc < CLIF_CC_COUNT ? callconv_names[cc] : "invalid";
}
int clif_intcc_from_name(const char *s, size_t len) {
    return lookup(intcc_names, CLIF_ICC_COUNT, s, len);
}
int clif_floatcc_from_name(const char *s, size_t len) {
    return lookup(floatcc_names, CLIF_FCC_COUNT, s, len);
}
int clif_atomic_op_from_name(const char *s, size_t len) {
    return lookup(atomic_names, CLIF_ATOMIC_COUNT, s, len);
}
int clif_callconv_from_name(const char *s, size_t len) {
    return lookup(callconv_names, CLIF_CC_COUNT, s, len);
}

static const struct {
    const char *name;
    clif_trap_code code;
} trap_names[] = {
#define X(ID, N, V) {N, V},
    CLIF_TRAPS(X)
#undef X
};

const char *clif_trap_name(clif_trap_code code, char *buf, size_t size) {
    for (size_t i = 0; i < sizeof trap_names / sizeof trap_names[0]; i++)
        if (trap_names[i].code == code) {
            snprintf(buf, size, "%s", trap_names[i].name);
            return buf;
        }
    if (code >= 1 && code <= CLIF_TRAP_USER_MAX)
        snprintf(buf, size, "user%u", (unsigned)code);
    else
        snprintf(buf, size, "invalid");
    return buf;
}

clif_trap_code clif_trap_from_name(const char *s, size_t len) {
    for (size_t i = 0; i < sizeof trap_names / sizeof trap_names[0]; i++)
        if (name_eq(trap_names[i].name, s, len)) return trap_names[i].code;
    if (len > 4 && len <= 7 && strncmp(s, "user", 4) == 0) {
        unsigned n = 0;
        for (size_t i = 4; i < len; i++) {
            if (s[i] < '0' || s[i] > '9') return CLIF_TRAP_NONE;
            n = n * 10 + (unsigned)(s[i] - '0');
        }
        if (s[4] == '0' && len > 5) return CLIF_TRAP_NONE;
        if (n >= 1 && n <= CLIF_TRAP_USER_MAX) return (clif_trap_code)n;
    }
    return CLIF_TRAP_NONE;
}
