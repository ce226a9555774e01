/* s390x ISA flags and presets. */
#include "machinst/target.h"

static const setting_desc s390x_flags[] = {
    {"has_mie3", SET_BOOL, 0, NULL},
    {"has_vxrs_ext2", SET_BOOL, 0, NULL},
    {"has_mie4", SET_BOOL, 0, NULL},
    {"has_vxrs_ext3", SET_BOOL, 0, NULL},
};

static const char *const s390x_presets[][2] = {
    {"arch13", "has_mie3 has_vxrs_ext2"},
    {"z15", "has_mie3 has_vxrs_ext2"},
    {"arch14", "has_mie3 has_vxrs_ext2"},
    {"z16", "has_mie3 has_vxrs_ext2"},
    {"arch15", "has_mie3 has_vxrs_ext2 has_mie4 has_vxrs_ext3"},
    {"z17", "has_mie3 has_vxrs_ext2 has_mie4 has_vxrs_ext3"},
};

const target_isa s390x_target = {
    .name = "s390x",
    .pointer_bits = 64,
    .big_endian = true,
    .flags = s390x_flags,
    .num_flags = (int)(sizeof s390x_flags / sizeof s390x_flags[0]),
    .presets = s390x_presets,
    .num_presets = (int)(sizeof s390x_presets / sizeof s390x_presets[0]),
    .detect_host = NULL,
};
