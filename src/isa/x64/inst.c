/* The x86-64 form table, built from inst.def, and condition-code names. */
#include "isa/x64/inst.h"

/* The short names the rows of inst.def use. */
#define P0     0
#define P_66   X64_PFX_66
#define P_F2   X64_PFX_F2
#define P_F3   X64_PFX_F3
#define P_LOCK X64_PFX_LOCK
#define P_VEX  X64_PFX_VEX
#define P_EVEX X64_PFX_EVEX
#define W0     0
#define W1     1

const x64_form_info x64_forms[X64_NUM_FORMS] = {
#define X(NAME, MN, PFX, W, MAP, OPC, DIG, EN, T0, T1, T2, T3, FL)                                 \
    [X64_##NAME] = {#NAME,                                                                         \
                    MN,                                                                            \
                    PFX,                                                                           \
                    W,                                                                             \
                    X64_MAP_##MAP,                                                                 \
                    OPC,                                                                           \
                    X64_DIG_##DIG,                                                                 \
                    X64_EN_##EN,                                                                   \
                    {X64_T_##T0, X64_T_##T1, X64_T_##T2, X64_T_##T3},                              \
                    X64_F_##FL},
#include "isa/x64/inst.def"
#undef X
};

static const char *const cc_names[16] = {
#define X(N, S) S,
    X64_CCS(X)
#undef X
};

const char *x64_cc_name(x64_cc cc) {
    return cc < 16 ? cc_names[cc] : "?";
}
