/* Unit tests: the ISA-independent machine-code buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "machinst/buffer.h"

/* A toy ISA: kind 0 = rel32 from the end of the field, kind 1 = rel8 from the
 * end of the field, kind 2 = absolute 32-bit offset. */
enum { K_REL32, K_REL8, K_ABS32 };

static bool toy_patch(uint8_t *code, uint32_t use, uint32_t target, uint8_t kind) {
    int64_t d;
    switch (kind) {
    case K_REL32:
        d = (int64_t)target - (int64_t)(use + 4);
        for (int i = 0; i < 4; i++)
            code[use + i] = (uint8_t)((uint64_t)d >> (8 * i));
        return true;
    case K_REL8:
        d = (int64_t)target - (int64_t)(use + 1);
        if (d < -128 || d > 127) return false;
        code[use] = (uint8_t)(int8_t)d;
        return true;
    case K_ABS32:
        for (int i = 0; i < 4; i++)
            code[use + i] = (uint8_t)(target >> (8 * i));
        return true;
    }
    return false;
}

static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_put_endianness(void **state) {
    (void)state;
    mc_buffer b;
    mcb_init(&b, toy_patch);
    mcb_put1(&b, 0xab);
    mcb_put2(&b, 0x1234);
    mcb_put4(&b, 0xdeadbeef);
    mcb_put8(&b, 0x0102030405060708ull);
    mcb_put2_be(&b, 0x1234);
    mcb_put4_be(&b, 0xdeadbeef);
    const uint8_t want[] = {0xab, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde, 0x08, 0x07, 0x06, 0x05,
                            0x04, 0x03, 0x02, 0x01, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef};
    assert_int_equal(mcb_offset(&b), sizeof want);
    assert_memory_equal(b.code.data, want, sizeof want);
    mcb_align(&b, 8, 0x90);
    assert_int_equal(mcb_offset(&b), 24);
    assert_int_equal(b.code.data[21], 0x90);
    assert_int_equal(b.code.data[23], 0x90);
    mcb_align(&b, 8, 0x90); /* already aligned: nothing */
    mcb_align(&b, 1, 0x90);
    assert_int_equal(mcb_offset(&b), 24);
    mcb_free(&b);
}

static void test_labels_forward_backward(void **state) {
    (void)state;
    mc_buffer b;
    mcb_init(&b, toy_patch);
    mc_label top = mcb_new_label(&b), end = mcb_new_label(&b);
    mcb_bind_label(&b, top); /* offset 0 */
    mcb_put1(&b, 0x90);
    mcb_put1(&b, 0xe9); /* jmp rel32 end (forward) at 1..5 */
    mcb_use_label(&b, mcb_offset(&b), end, K_REL32);
    mcb_put4(&b, 0);
    mcb_put1(&b, 0xeb); /* jmp rel8 top (backward) at 6..7 */
    mcb_use_label(&b, mcb_offset(&b), top, K_REL8);
    mcb_put1(&b, 0);
    mcb_put1(&b, 0x90);
    mcb_bind_label(&b, end); /* offset 9 */
    mcb_put1(&b, 0xc3);
    char msg[128];
    assert_true(mcb_finish(&b, msg, sizeof msg));
    assert_int_equal(rd32(b.code.data + 2), 9 - 6);
    assert_int_equal((int8_t)b.code.data[7], 0 - 8);
    assert_int_equal(b.fixups.len, 0);
    mcb_free(&b);
}

static void test_unbound_and_range_errors(void **state) {
    (void)state;
    char msg[128];
    mc_buffer b;
    mcb_init(&b, toy_patch);
    mc_label l = mcb_new_label(&b);
    mcb_put4(&b, 0);
    mcb_use_label(&b, 0, l, K_REL32);
    assert_false(mcb_finish(&b, msg, sizeof msg));
    assert_non_null(strstr(msg, "never bound"));

    mcb_reset(&b);
    l = mcb_new_label(&b);
    mcb_put1(&b, 0);
    mcb_use_label(&b, 0, l, K_REL8);
    for (int i = 0; i < 200; i++)
        mcb_put1(&b, 0x90);
    mcb_bind_label(&b, l);
    assert_false(mcb_finish(&b, msg, sizeof msg));
    assert_non_null(strstr(msg, "out of range"));

    mcb_reset(&b);
    l = mcb_new_label(&b);
    mcb_bind_label(&b, l);
    mcb_put1(&b, 0);
    mcb_bind_label(&b, l);
    assert_false(mcb_finish(&b, msg, sizeof msg));
    assert_non_null(strstr(msg, "bound twice"));

    mcb_reset(&b);
    mcb_put1(&b, 0);
    mcb_use_label(&b, 0, 7, K_REL8);
    assert_false(mcb_finish(&b, msg, sizeof msg));
    assert_non_null(strstr(msg, "unknown label"));
    mcb_free(&b);
}

static void test_constant_pool(void **state) {
    (void)state;
    mc_buffer b;
    mcb_init(&b, toy_patch);
    const uint8_t c8[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t c16[16];
    for (int i = 0; i < 16; i++)
        c16[i] = (uint8_t)(0xa0 + i);
    mc_label l8 = mcb_add_constant(&b, c8, 8, 8);
    mc_label l16 = mcb_add_constant(&b, c16, 16, 16);
    mc_label l4 = mcb_add_constant(&b, c8, 3, 4);
    /* Code referring to them: three abs32 fields. */
    for (int i = 0; i < 3; i++) {
        mcb_use_label(&b, mcb_offset(&b), i == 0 ? l8 : i == 1 ? l16 : l4, K_ABS32);
        mcb_put4(&b, 0);
    }
    mcb_put1(&b, 0xc3); /* code ends at 13 */
    char msg[128];
    assert_true(mcb_finish(&b, msg, sizeof msg));
    uint32_t o8 = rd32(b.code.data), o16 = rd32(b.code.data + 4), o4 = rd32(b.code.data + 8);
    assert_int_equal(o8, 16);
    assert_int_equal(o16, 32);
    assert_int_equal(o4, 48);
    assert_memory_equal(b.code.data + o8, c8, 8);
    assert_memory_equal(b.code.data + o16, c16, 16);
    assert_memory_equal(b.code.data + o4, c8, 3);
    assert_int_equal(b.code.data[13], 0); /* padding */
    assert_int_equal(mcb_offset(&b), 51);
    /* A second finish neither moves nor repeats the pool. */
    assert_true(mcb_finish(&b, msg, sizeof msg));
    assert_int_equal(mcb_offset(&b), 51);
    mcb_free(&b);
}

static void test_side_tables_and_reset(void **state) {
    (void)state;
    mc_buffer b;
    mcb_init(&b, toy_patch);
    mcb_put1(&b, 0x55);
    mcb_add_unwind(&b, MC_UNWIND_PUSH_FRAME_REGS, 0, 0);
    mcb_put1(&b, 0xe8);
    mcb_add_reloc(&b, mcb_offset(&b), MC_RELOC_X86_CALL_PCREL4, MC_TARGET_FUNC, 3, -4);
    mcb_put4(&b, 0);
    mcb_add_call_site(&b, mcb_offset(&b));
    mcb_add_trap(&b, mcb_offset(&b), CLIF_TRAP_HEAP_OUT_OF_BOUNDS);
    mcb_put2(&b, 0x0b0f);
    assert_int_equal(b.unwind.len, 1);
    assert_int_equal(b.unwind.data[0].offset, 1);
    assert_int_equal(b.unwind.data[0].kind, MC_UNWIND_PUSH_FRAME_REGS);
    assert_int_equal(b.relocs.len, 1);
    assert_int_equal(b.relocs.data[0].offset, 2);
    assert_int_equal(b.relocs.data[0].kind, MC_RELOC_X86_CALL_PCREL4);
    assert_int_equal(b.relocs.data[0].target, MC_TARGET_FUNC);
    assert_int_equal(b.relocs.data[0].index, 3);
    assert_int_equal(b.relocs.data[0].addend, -4);
    assert_int_equal(b.call_sites.len, 1);
    assert_int_equal(b.call_sites.data[0].ret_offset, 6);
    assert_int_equal(b.traps.len, 1);
    assert_int_equal(b.traps.data[0].offset, 6);
    assert_int_equal(b.traps.data[0].code, CLIF_TRAP_HEAP_OUT_OF_BOUNDS);
    uint32_t cap = b.code.cap;
    mcb_reset(&b);
    assert_int_equal(mcb_offset(&b), 0);
    assert_int_equal(b.code.cap, cap);
    assert_int_equal(b.relocs.len + b.traps.len + b.call_sites.len + b.unwind.len, 0);
    assert_int_equal(b.label_offsets.len + b.constants.len + b.const_data.len, 0);
    assert_int_equal(mcb_new_label(&b), 0);
    mcb_free(&b);
}

static void test_many_labels(void **state) {
    (void)state;
    /* A long chain of forward rel32 jumps, each to the next label. */
    mc_buffer b;
    mcb_init(&b, toy_patch);
    enum { N = 5000 };
    mc_label first = mcb_new_label(&b);
    mc_label prev = first;
    for (int i = 0; i < N; i++) {
        mcb_bind_label(&b, prev);
        mc_label next = mcb_new_label(&b);
        mcb_put1(&b, 0xe9);
        mcb_use_label(&b, mcb_offset(&b), next, K_REL32);
        mcb_put4(&b, 0xffffffff);
        prev = next;
    }
    mcb_bind_label(&b, prev);
    char msg[128];
    assert_true(mcb_finish(&b, msg, sizeof msg));
    for (int i = 0; i < N; i++)
        assert_int_equal(rd32(b.code.data + 5 * i + 1), 0);
    mcb_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_endianness),
        cmocka_unit_test(test_labels_forward_backward),
        cmocka_unit_test(test_unbound_and_range_errors),
        cmocka_unit_test(test_constant_pool),
        cmocka_unit_test(test_side_tables_and_reset),
        cmocka_unit_test(test_many_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
