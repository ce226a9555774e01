/* x86-64 registers as register-allocator numbers (ra_preg): the general
 * registers rax..r15 are 0..15 in hardware encoding order, xmm0..xmm15 are
 * 16..31. The low 3 bits of a number are its ModRM/SIB field, bit 3 its REX
 * extension. */
#ifndef CLIF_ISA_X64_REGS_H
#define CLIF_ISA_X64_REGS_H

#include <stdbool.h>
#include <stdint.h>

enum {
    X64_RAX,
    X64_RCX,
    X64_RDX,
    X64_RBX,
    X64_RSP,
    X64_RBP,
    X64_RSI,
    X64_RDI,
    X64_R8,
    X64_R9,
    X64_R10,
    X64_R11,
    X64_R12,
    X64_R13,
    X64_R14,
    X64_R15,
    X64_XMM0,
    X64_XMM1,
    X64_XMM2,
    X64_XMM3,
    X64_XMM4,
    X64_XMM5,
    X64_XMM6,
    X64_XMM7,
    X64_XMM8,
    X64_XMM9,
    X64_XMM10,
    X64_XMM11,
    X64_XMM12,
    X64_XMM13,
    X64_XMM14,
    X64_XMM15,
    X64_NUM_REGS,
    X64_NOREG = 0xff,
};

static inline bool x64_is_gpr(uint8_t r) {
    return r < 16;
}
static inline bool x64_is_xmm(uint8_t r) {
    return r >= 16 && r < 32;
}
/* The 4-bit hardware number. */
static inline uint8_t x64_hw(uint8_t r) {
    return r & 15;
}

/* Name of a register: general registers at a width of 8, 16, 32 or 64 bits
 * ("sil", "r8w", "r9d", "rax"); xmm registers ignore the width. NULL for a
 * number that is no register. */
const char *x64_reg_name(uint8_t r, unsigned bits);
/* DWARF register number (System V x86-64 psABI); 0xffff for none. */
uint16_t x64_dwarf_reg(uint8_t r);
/* The DWARF number of the return-address column. */
#define X64_DWARF_RA 16

#endif
