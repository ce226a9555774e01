/* Shared code-generation settings (Cranelift's `set` names) and ISA flags,
 * each described once in a table. */
#ifndef CLIF_MACHINST_SETTINGS_H
#define CLIF_MACHINST_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum setting_kind { SET_BOOL, SET_NUM, SET_ENUM } setting_kind;

typedef struct setting_desc {
    const char *name;
    uint8_t kind;       /* setting_kind */
    uint8_t deflt;      /* default value: bool, number, or enum index */
    const char *values; /* enums: space-separated names */
} setting_desc;

/* X(ID, name, kind, default, enum values) */
#define CLIF_SHARED_SETTINGS(X)                                                                    \
    X(REGALLOC_CHECKER, "regalloc_checker", SET_BOOL, 0, NULL)                                     \
    X(REGALLOC_VERBOSE_LOGS, "regalloc_verbose_logs", SET_BOOL, 0, NULL)                           \
    X(REGALLOC_ALGORITHM, "regalloc_algorithm", SET_ENUM, 0, "backtracking single_pass")           \
    X(OPT_LEVEL, "opt_level", SET_ENUM, 0, "none speed speed_and_size")                            \
    X(ENABLE_ALIAS_ANALYSIS, "enable_alias_analysis", SET_BOOL, 1, NULL)                           \
    X(ENABLE_VERIFIER, "enable_verifier", SET_BOOL, 1, NULL)                                       \
    X(IS_PIC, "is_pic", SET_BOOL, 0, NULL)                                                         \
    X(USE_COLOCATED_LIBCALLS, "use_colocated_libcalls", SET_BOOL, 0, NULL)                         \
    X(ENABLE_NAN_CANONICALIZATION, "enable_nan_canonicalization", SET_BOOL, 0, NULL)               \
    X(ENABLE_PINNED_REG, "enable_pinned_reg", SET_BOOL, 0, NULL)                                   \
    X(TLS_MODEL, "tls_model", SET_ENUM, 0, "none elf_gd macho coff")                               \
    X(STACK_SWITCH_MODEL, "stack_switch_model", SET_ENUM, 0, "none basic update_windows_tib")      \
    X(LIBCALL_CALL_CONV, "libcall_call_conv", SET_ENUM, 0,                                         \
      "isa_default fast system_v windows_fastcall apple_aarch64 probestack preserve_all")          \
    X(ENABLE_LLVM_ABI_EXTENSIONS, "enable_llvm_abi_extensions", SET_BOOL, 0, NULL)                 \
    X(ENABLE_MULTI_RET_IMPLICIT_SRET, "enable_multi_ret_implicit_sret", SET_BOOL, 0, NULL)         \
    X(UNWIND_INFO, "unwind_info", SET_BOOL, 1, NULL)                                               \
    X(PRESERVE_FRAME_POINTERS, "preserve_frame_pointers", SET_BOOL, 0, NULL)                       \
    X(MACHINE_CODE_CFG_INFO, "machine_code_cfg_info", SET_BOOL, 0, NULL)                           \
    X(ENABLE_PROBESTACK, "enable_probestack", SET_BOOL, 0, NULL)                                   \
    X(PROBESTACK_SIZE_LOG2, "probestack_size_log2", SET_NUM, 12, NULL)                             \
    X(PROBESTACK_STRATEGY, "probestack_strategy", SET_ENUM, 0, "outline inline")                   \
    X(ENABLE_HEAP_ACCESS_SPECTRE_MITIGATION, "enable_heap_access_spectre_mitigation", SET_BOOL, 1, \
      NULL)                                                                                        \
    X(ENABLE_TABLE_ACCESS_SPECTRE_MITIGATION, "enable_table_access_spectre_mitigation", SET_BOOL,  \
      1, NULL)                                                                                     \
    X(ENABLE_INCREMENTAL_COMPILATION_CACHE_CHECKS, "enable_incremental_compilation_cache_checks",  \
      SET_BOOL, 0, NULL)                                                                           \
    X(BB_PADDING_LOG2_MINUS_ONE, "bb_padding_log2_minus_one", SET_NUM, 0, NULL)                    \
    X(LOG2_MIN_FUNCTION_ALIGNMENT, "log2_min_function_alignment", SET_NUM, 0, NULL)                \
    X(ENABLE_COMPACT_UNWIND_ABI, "enable_compact_unwind_abi", SET_BOOL, 0, NULL)

typedef enum shared_setting {
#define X(ID, ...) SET_##ID,
    CLIF_SHARED_SETTINGS(X)
#undef X
        SET_COUNT
} shared_setting;

extern const setting_desc shared_setting_table[SET_COUNT];

/* Finds `name` in `table`; -1 if absent. */
int settings_find(const setting_desc *table, int n, const char *name);
/* Parses `value` for the setting; false (with a message) when invalid. */
bool settings_parse(const setting_desc *d, const char *value, uint32_t *out, char *msg,
                    uint32_t msg_size);
/* Formats a value as text. */
const char *settings_format(const setting_desc *d, uint32_t value, char *buf, uint32_t size);

#endif
