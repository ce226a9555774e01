/* x86-64 register names and DWARF numbers. */
#include "isa/x64/regs.h"

static const char *const names64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                        "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const names32[16] = {"eax",  "ecx",  "edx",  "ebx", "esp",  "ebp",
                                        "esi",  "edi",  "r8d",  "r9d", "r10d", "r11d",
                                        "r12d", "r13d", "r14d", "r15d"};
static const char *const names16[16] = {"ax",   "cx",   "dx",   "bx",  "sp",   "bp",
                                        "si",   "di",   "r8w",  "r9w", "r10w", "r11w",
                                        "r12w", "r13w", "r14w", "r15w"};
static const char *const names8[16] = {"al",   "cl",   "dl",   "bl",  "spl",  "bpl",
                                       "sil",  "dil",  "r8b",  "r9b", "r10b", "r11b",
                                       "r12b", "r13b", "r14b", "r15b"};
static const char *const xmm_names[16] = {"xmm0",  "xmm1",  "xmm2",  "xmm3", "xmm4",  "xmm5",
                                          "xmm6",  "xmm7",  "xmm8",  "xmm9", "xmm10", "xmm11",
                                          "xmm12", "xmm13", "xmm14", "xmm15"};

const char *x64_reg_name(uint8_t r, unsigned bits) {
    if (x64_is_xmm(r)) return xmm_names[r - X64_XMM0];
    if (!x64_is_gpr(r)) return 0;
    switch (bits) {
    case 8: return names8[r];
    case 16: return names16[r];
    case 32: return names32[r];
    case 64: return names64[r];
    default: return 0;
    }
}

/* psABI order: rax rdx rcx rbx rsi rdi rbp rsp r8..r15, RA, xmm0..15. */
static const uint8_t gpr_dwarf[16] = {0, 2, 1, 3, 7, 6, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15};

uint16_t x64_dwarf_reg(uint8_t r) {
    if (x64_is_gpr(r)) return gpr_dwarf[r];
    if (x64_is_xmm(r)) return (uint16_t)(17 + (r - X64_XMM0));
    return 0xffff;
}
