/* libcranelift: opcodes, instruction formats, condition codes, trap codes,
 * memory flags and calling conventions of CLIF. Each set is defined once, in a
 * table; the names here are the names of the text format. */
#ifndef CLIF_OPCODES_H
#define CLIF_OPCODES_H

#include "clif/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Instruction formats: which operands and immediates an instruction has. */
#define CLIF_FORMATS(X)                                                                            \
    X(NULLARY)                                                                                     \
    X(UNARY)                                                                                       \
    X(UNARY_IMM)                                                                                   \
    X(UNARY_IEEE16)                                                                                \
    X(UNARY_IEEE32)                                                                                \
    X(UNARY_IEEE64)                                                                                \
    X(UNARY_CONST)                                                                                 \
    X(UNARY_GV)                                                                                    \
    X(BINARY)                                                                                      \
    X(BINARY_IMM8)                                                                                 \
    X(TERNARY)                                                                                     \
    X(TERNARY_IMM8)                                                                                \
    X(SHUFFLE)                                                                                     \
    X(INT_COMPARE)                                                                                 \
    X(FLOAT_COMPARE)                                                                               \
    X(INT_ADD_TRAP)                                                                                \
    X(JUMP)                                                                                        \
    X(BRIF)                                                                                        \
    X(BRANCH_TABLE)                                                                                \
    X(TRAP)                                                                                        \
    X(COND_TRAP)                                                                                   \
    X(MULTIARY)                                                                                    \
    X(CALL)                                                                                        \
    X(CALL_INDIRECT)                                                                               \
    X(TRY_CALL)                                                                                    \
    X(TRY_CALL_INDIRECT)                                                                           \
    X(FUNC_ADDR)                                                                                   \
    X(STACK_LOAD)                                                                                  \
    X(DYNAMIC_STACK_LOAD)                                                                          \
    X(LOAD)                                                                                        \
    X(LOAD_NO_OFFSET)                                                                              \
    X(STORE)                                                                                       \
    X(STORE_NO_OFFSET)                                                                             \
    X(ATOMIC_RMW)                                                                                  \
    X(ATOMIC_CAS)                                                                                  \
    X(EXCEPTION_HANDLER_ADDRESS)

typedef enum clif_format {
#define X(F) CLIF_FMT_##F,
    CLIF_FORMATS(X)
#undef X
        CLIF_FMT_COUNT
} clif_format;

typedef enum clif_opcode {
    CLIF_OP_INVALID = 0,
#define OP(ID, ...) CLIF_OP_##ID,
#include "clif/opcodes.def"
#undef OP
    CLIF_OP_COUNT
} clif_opcode;

/* Where the controlling type variable of an opcode comes from. */
typedef enum clif_ctrl_kind {
    CLIF_CTRL_NONE,   /* not polymorphic */
    CLIF_CTRL_SUFFIX, /* a type suffix is required */
    CLIF_CTRL_ARG0,   /* the type of value operand 0, 1 or 2 */
    CLIF_CTRL_ARG1,
    CLIF_CTRL_ARG2,
} clif_ctrl_kind;

/* Sets of types a controlling type may take. */
typedef enum clif_typeset {
    CLIF_TS_NONE,
    CLIF_TS_INT,    /* scalar integers i8..i128 */
    CLIF_TS_INTV,   /* integers and integer vectors */
    CLIF_TS_FLTV,   /* floats and float vectors */
    CLIF_TS_ANYV,   /* any scalar or vector */
    CLIF_TS_VEC,    /* any vector */
    CLIF_TS_IVEC,   /* integer vectors */
    CLIF_TS_ADDR,   /* i32 or i64 */
    CLIF_TS_EXT8,   /* integers wider than 8 bits */
    CLIF_TS_EXT16,  /* integers wider than 16 bits */
    CLIF_TS_EXT32,  /* i64 and i128 */
    CLIF_TS_WIDE,   /* integers wider than i8 (isplit) */
    CLIF_TS_NARROW, /* integers narrower than i128 (iconcat) */
    CLIF_TS_I8X16,
    CLIF_TS_I16X8,
    CLIF_TS_I32X4,
    CLIF_TS_I64X2,
    CLIF_TS_DYN, /* dynamic vectors */
} clif_typeset;

/* How a result type derives from the controlling type T. */
typedef enum clif_result_rule {
    CLIF_R_NONE,
    CLIF_R_T,
    CLIF_R_I8,
    CLIF_R_BOOL, /* i8 for scalars, T.as_int() for vectors */
    CLIF_R_LANE,
    CLIF_R_HALF,
    CLIF_R_DOUBLE,
    CLIF_R_SPLIT,
    CLIF_R_MERGE,
    CLIF_R_F16,
    CLIF_R_F32,
    CLIF_R_F64,
    CLIF_R_F128,
    CLIF_R_F32X4,
    CLIF_R_F64X2,
    CLIF_R_I16X8,
    CLIF_R_DYN2VEC,
} clif_result_rule;

/* Opcode property flags. */
enum {
    CLIF_OPF_TERM = 1 << 0,   /* terminates a block */
    CLIF_OPF_BRANCH = 1 << 1, /* has block successors */
    CLIF_OPF_CALL = 1 << 2,
    CLIF_OPF_RET = 1 << 3,    /* leaves the function */
    CLIF_OPF_TRAP = 1 << 4,   /* can trap */
    CLIF_OPF_LOAD = 1 << 5,   /* reads memory */
    CLIF_OPF_STORE = 1 << 6,  /* writes memory */
    CLIF_OPF_SIDE = 1 << 7,   /* other side effects */
    CLIF_OPF_COMMUT = 1 << 8, /* commutative in its two value operands */
};

typedef struct clif_opcode_info {
    const char *name;
    uint8_t format;       /* clif_format */
    uint8_t ctrl;         /* clif_ctrl_kind */
    uint8_t typeset;      /* clif_typeset */
    uint8_t nresults;     /* fixed results; calls take theirs from the signature */
    uint8_t result[2];    /* clif_result_rule */
    const char *operands; /* one constraint character per fixed value operand */
    uint16_t flags;       /* CLIF_OPF_* */
} clif_opcode_info;

/* The table entry for `op` (CLIF_OP_INVALID has name "invalid"). */
const clif_opcode_info *clif_opcode_info_of(clif_opcode op);
/* Looks an opcode up by its CLIF name; CLIF_OP_INVALID if none. */
clif_opcode clif_opcode_from_name(const char *name, size_t len);
/* The name of a format ("BINARY"). */
const char *clif_format_name(clif_format f);
/* True when `t` is in typeset `ts`. */
bool clif_typeset_contains(clif_typeset ts, clif_type t);
/* The result type given by `rule` for controlling type `ctrl`; invalid when none. */
clif_type clif_result_type(clif_result_rule rule, clif_type ctrl);

/* Integer condition codes. */
/* clang-format off */
#define CLIF_INTCCS(X)                                                                             \
    X(EQ, "eq")                                                                                    \
    X(NE, "ne")                                                                                    \
    X(SLT, "slt")                                                                                  \
    X(SGE, "sge")                                                                                  \
    X(SGT, "sgt")                                                                                  \
    X(SLE, "sle")                                                                                  \
    X(ULT, "ult")                                                                                  \
    X(UGE, "uge")                                                                                  \
    X(UGT, "ugt")                                                                                  \
    X(ULE, "ule")
/* clang-format on */
typedef enum clif_intcc {
#define X(ID, N) CLIF_ICC_##ID,
    CLIF_INTCCS(X)
#undef X
        CLIF_ICC_COUNT
} clif_intcc;

/* Float condition codes. */
/* clang-format off */
#define CLIF_FLOATCCS(X)                                                                           \
    X(ORD, "ord")                                                                                  \
    X(UNO, "uno")                                                                                  \
    X(EQ, "eq")                                                                                    \
    X(NE, "ne")                                                                                    \
    X(ONE, "one")                                                                                  \
    X(UEQ, "ueq")                                                                                  \
    X(LT, "lt")                                                                                    \
    X(LE, "le")                                                                                    \
    X(GT, "gt")                                                                                    \
    X(GE, "ge")                                                                                    \
    X(ULT, "ult")                                                                                  \
    X(ULE, "ule")                                                                                  \
    X(UGT, "ugt")                                                                                  \
    X(UGE, "uge")
/* clang-format on */
typedef enum clif_floatcc {
#define X(ID, N) CLIF_FCC_##ID,
    CLIF_FLOATCCS(X)
#undef X
        CLIF_FCC_COUNT
} clif_floatcc;

/* atomic_rmw operations. */
/* clang-format off */
#define CLIF_ATOMIC_OPS(X)                                                                         \
    X(ADD, "add")                                                                                  \
    X(SUB, "sub")                                                                                  \
    X(AND, "and")                                                                                  \
    X(NAND, "nand")                                                                                \
    X(OR, "or")                                                                                    \
    X(XOR, "xor")                                                                                  \
    X(XCHG, "xchg")                                                                                \
    X(UMIN, "umin")                                                                                \
    X(UMAX, "umax")                                                                                \
    X(SMIN, "smin")                                                                                \
    X(SMAX, "smax")
/* clang-format on */
typedef enum clif_atomic_op {
#define X(ID, N) CLIF_ATOMIC_##ID,
    CLIF_ATOMIC_OPS(X)
#undef X
        CLIF_ATOMIC_COUNT
} clif_atomic_op;

/* The CLIF names of condition codes and atomic operations ("invalid" for a
 * value beyond the table). */
const char *clif_intcc_name(clif_intcc cc);
const char *clif_floatcc_name(clif_floatcc cc);
const char *clif_atomic_op_name(clif_atomic_op op);
/* Name lookups; return -1 when the name is none of them. */
int clif_intcc_from_name(const char *s, size_t len);
int clif_floatcc_from_name(const char *s, size_t len);
int clif_atomic_op_from_name(const char *s, size_t len);

/* Trap codes: the whole user-visible trap model. A trap is a code and nothing
 * more. Codes 1..250 are user codes ("user1"); the reserved ones follow. */
typedef uint8_t clif_trap_code;
/* clang-format off */
#define CLIF_TRAPS(X)                                                                              \
    X(STACK_OVERFLOW, "stk_ovf", 251)                                                              \
    X(INTEGER_OVERFLOW, "int_ovf", 252)                                                            \
    X(HEAP_OUT_OF_BOUNDS, "heap_oob", 253)                                                         \
    X(INTEGER_DIVISION_BY_ZERO, "int_divz", 254)                                                   \
    X(BAD_CONVERSION_TO_INTEGER, "bad_toint", 255)
/* clang-format on */
enum {
    CLIF_TRAP_NONE = 0,
#define X(ID, N, V) CLIF_TRAP_##ID = V,
    CLIF_TRAPS(X)
#undef X
        CLIF_TRAP_USER_MAX = 250,
};
/* Writes the CLIF name of a trap code ("heap_oob", "user7"). */
const char *clif_trap_name(clif_trap_code code, char *buf, size_t size);
/* Parses a trap code name; 0 when it is none. */
clif_trap_code clif_trap_from_name(const char *s, size_t len);

/* Memory flags. The trap code of a trapping access sits in bits 8..15 (0 =
 * the default, heap_oob), the alias region + 1 in bits 16..31. The flags
 * besides notrap, with their text names, in the order the writer prints
 * them: */
/* clang-format off */
#define CLIF_MEM_FLAGS(X)                                                                          \
    X(ALIGNED, "aligned", 1 << 1)                                                                  \
    X(READONLY, "readonly", 1 << 2)                                                                \
    X(CAN_MOVE, "can_move", 1 << 5)                                                                \
    X(BIG, "big", 1 << 4)                                                                          \
    X(LITTLE, "little", 1 << 3)                                                                    \
    X(CHECKED, "checked", 1 << 6)
/* clang-format on */
enum {
    CLIF_MEM_NOTRAP = 1 << 0,
#define X(ID, N, BIT) CLIF_MEM_##ID = BIT,
    CLIF_MEM_FLAGS(X)
#undef X
};
typedef uint32_t clif_memflags;
/* Alias regions of memory flags, in their text names; region i is stored as
 * i + 1 in bits 16..31 (0 = none). */
#define CLIF_MEM_REGIONS(X) X(HEAP, "heap") X(TABLE, "table") X(VMCTX, "vmctx")
/* The trap code of an access with flags f: none for notrap, else the code in
 * bits 8..15 or heap_oob. */
static inline clif_trap_code clif_memflags_trap(clif_memflags f) {
    if (f & CLIF_MEM_NOTRAP) return CLIF_TRAP_NONE;
    return ((f >> 8) & 0xff) ? (clif_trap_code)((f >> 8) & 0xff) : CLIF_TRAP_HEAP_OUT_OF_BOUNDS;
}

/* Calling conventions. */
/* clang-format off */
#define CLIF_CALLCONVS(X)                                                                          \
    X(FAST, "fast")                                                                                \
    X(TAIL, "tail")                                                                                \
    X(SYSTEM_V, "system_v")                                                                        \
    X(WINDOWS_FASTCALL, "windows_fastcall")                                                        \
    X(APPLE_AARCH64, "apple_aarch64")                                                              \
    X(PROBESTACK, "probestack")                                                                    \
    X(WINCH, "winch")                                                                              \
    X(PRESERVE_ALL, "preserve_all")
/* clang-format on */
typedef enum clif_callconv {
#define X(ID, N) CLIF_CC_##ID,
    CLIF_CALLCONVS(X)
#undef X
        CLIF_CC_COUNT
} clif_callconv;
/* The name of a calling convention ("invalid" beyond the table) and its
 * lookup (-1 when the name is none). */
const char *clif_callconv_name(clif_callconv cc);
int clif_callconv_from_name(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
