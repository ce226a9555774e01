/* The list of targets of this build: the one place that names every ISA. */
#include "machinst/target.h"

extern const target_isa x64_target;
extern const target_isa aarch64_target;
extern const target_isa s390x_target;

const target_isa *const all_targets[] = {&x64_target, &aarch64_target, &s390x_target};
const int num_all_targets = (int)(sizeof all_targets / sizeof all_targets[0]);
