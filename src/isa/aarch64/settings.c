/* aarch64 ISA flags. */
#include "machinst/target.h"

static const setting_desc aarch64_flags[] = {
    {"has_lse", SET_BOOL, 0, NULL},
    {"has_pauth", SET_BOOL, 0, NULL},
    {"has_fp16", SET_BOOL, 0, NULL},
    {"has_dotprod", SET_BOOL, 0, NULL},
    {"has_i8mm", SET_BOOL, 0, NULL},
    {"sign_return_address_all", SET_BOOL, 0, NULL},
    {"sign_return_address", SET_BOOL, 0, NULL},
    {"sign_return_address_with_bkey", SET_BOOL, 0, NULL},
    {"use_bti", SET_BOOL, 0, NULL},
    {"use_csdb", SET_BOOL, 0, NULL},
};

const target_isa aarch64_target = {
    .name = "aarch64",
    .pointer_bits = 64,
    .big_endian = false,
    .flags = aarch64_flags,
    .num_flags = (int)(sizeof aarch64_flags / sizeof aarch64_flags[0]),
    .presets = NULL,
    .num_presets = 0,
    .detect_host = NULL,
};
