/* The x86-64 code generator as machinst sees it. */
#include "isa/x64/x64.h"

/* rsp is DWARF 7, the return address column 16; at entry CFA = rsp + 8. */
static const unwind_desc x64_unwind = {7, X64_DWARF_RA, -8, 8};

const target_backend x64_backend = {
    .inst_size = sizeof(x64_vinst),
    .machine = x64_machine,
    .callconv = x64_callconv,
    .lower_entry = x64_lower_entry,
    .lower_inst = x64_lower_inst,
    .lower_jump = x64_lower_jump,
    .emit_prologue = x64_emit_prologue,
    .emit_inst = x64_emit_vinst,
    .emit_move = x64_emit_move,
    .emit_trap = x64_emit_trap,
    .patch = x64_patch,
    .unwind = &x64_unwind,
};
