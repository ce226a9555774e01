/* Unit tests: target lookup, shared settings and ISA flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cranelift.h"

static void test_lookup(void **state) {
    (void)state;
    clif_isa *isa = NULL;
    assert_null(clif_isa_lookup("x86_64", &isa));
    assert_string_equal(clif_isa_name(isa), "x86_64");
    clif_isa_free(isa);
    assert_null(clif_isa_lookup("s390x-ibm-linux", &isa));
    assert_string_equal(clif_isa_name(isa), "s390x");
    clif_isa_free(isa);
    clif_error *e = clif_isa_lookup("riscv64", &isa);
    assert_non_null(e);
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_UNSUPPORTED);
    assert_non_null(strstr(clif_error_message(e), "riscv64"));
    clif_error_free(e);
    assert_null(isa);
}

static void test_settings(void **state) {
    (void)state;
    clif_isa *isa = NULL;
    char buf[32];
    assert_null(clif_isa_lookup("x86_64", &isa));
    assert_string_equal(clif_isa_get(isa, "opt_level", buf, sizeof buf), "none");
    assert_string_equal(clif_isa_get(isa, "enable_verifier", buf, sizeof buf), "true");
    assert_string_equal(clif_isa_get(isa, "probestack_size_log2", buf, sizeof buf), "12");
    assert_null(clif_isa_set(isa, "opt_level", "speed_and_size"));
    assert_string_equal(clif_isa_get(isa, "opt_level", buf, sizeof buf), "speed_and_size");
    assert_null(clif_isa_set(isa, "has_avx", "true"));
    assert_string_equal(clif_isa_get(isa, "has_avx", buf, sizeof buf), "true");
    assert_null(clif_isa_set(isa, "x86-64-v3", "true"));
    assert_string_equal(clif_isa_get(isa, "has_bmi2", buf, sizeof buf), "true");
    clif_error *e = clif_isa_set(isa, "opt_level", "fast");
    assert_non_null(e);
    assert_non_null(strstr(clif_error_message(e), "opt_level"));
    clif_error_free(e);
    e = clif_isa_set(isa, "no_such_flag", "true");
    assert_non_null(e);
    clif_error_free(e);
    assert_null(clif_isa_get(isa, "has_lse", buf, sizeof buf));
    clif_isa_free(isa);
}

static void test_host(void **state) {
    (void)state;
    clif_isa *isa = NULL;
    clif_error *e = clif_isa_host(&isa);
#if defined(__x86_64__)
    assert_null(e);
    assert_string_equal(clif_isa_name(isa), "x86_64");
    assert_true(clif_isa_is_host(isa));
    clif_isa_free(isa);
#else
    assert_non_null(e);
    clif_error_free(e);
#endif
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
