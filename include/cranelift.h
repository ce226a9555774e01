/* libcranelift: Cranelift's code generator as a C library. The umbrella header. */
#ifndef CRANELIFT_H
#define CRANELIFT_H

#include "clif/codegen.h"
#include "clif/data_value.h"
#include "clif/error.h"
#include "clif/frontend.h"
#include "clif/interp.h"
#include "clif/jit.h"
#include "clif/ir.h"
#include "clif/opcodes.h"
#include "clif/reader.h"
#include "clif/types.h"
#include "clif/verifier.h"
#include "clif/writer.h"

#endif
