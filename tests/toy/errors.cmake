# The toy compiler on bad and on deeply nested programs: each bad program
# fails with exit status 1 and a message naming file:line:column; nesting
# 100,000 parentheses or 20,000 blocks deep compiles (the parser keeps
# explicit stacks, it never recurses).  cmake -DTOY=... -DWORK=... -P errors.cmake
set(n 0)
function(check text status expect)
  math(EXPR k "${n} + 1")
  set(n ${k} PARENT_SCOPE)
  set(file ${WORK}/toy_case_${k}.toy)
  file(WRITE ${file} "${text}")
  execute_process(COMMAND ${TOY} ${file} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc STREQUAL status OR NOT out MATCHES "${expect}")
    message(FATAL_ERROR "case ${k}: status ${rc} (expected ${status}), output:\n${out}\n"
                        "expected to match: ${expect}\nprogram:\n${text}")
  endif()
endfunction()

set(at "toy_case_[0-9]+\\.toy")
check("fn main() {\n  print(y)\n}\n" 1 "${at}:2:9: undefined variable 'y'")
check("fn main() {\n  print((1 + 2)\n}\n" 1 "${at}:2:3: the call of 'print' misses its '\\)'")
check("fn main() {\n  x = (1 + 2\n}\n" 1 "${at}:2:7: '\\(' is never closed")
check("fn main() {\n  x = 1 +\n}\n" 1 "${at}:2:10: expected an expression, found end of line")
check("fn main() {\n  x = f(1)\n}\n" 1 "${at}:2:7: unknown function 'f'")
check("fn f(a) {\n}\nfn main() {\n  f(1, 2)\n}\n" 1 "${at}:4:3: f takes 1 argument, not 2")
check("fn main() {\n  if 1 {\n" 1 "${at}:2:3: this block is never closed")
check("fn main() {\n  x = 1 2\n}\n" 1 "${at}:2:9: expected the end of the statement")
check("fn main() {\n  x = 3 \$ 4\n}\n" 1 "${at}:2:9: unexpected character '\\$'")
check("fn main() {\n  x = 99999999999999999999\n}\n" 1 "${at}:2:7: number too large")
check("fn f() {\n}\nfn f() {\n}\n" 1 "${at}:3:4: function 'f' is defined twice")
check("fn f() {\n}\n" 1 "no function main")
check("fn main() {\n  else {\n  }\n}\n" 1 "${at}:2:3: else without an if")
check("fn main() {\n}\n} else {\n" 1 "${at}:3:1: expected fn, found }")
check("fn main() {\n  print(i)\n  i = 1\n}\n" 1 "${at}:2:9: undefined variable 'i'")
check("fn main() {\n  print = 3\n}\n" 1 "${at}:2:3: 'print' is a function")
check("fn main() {\n  print(-9223372036854775807 - 1)\n  print(7 / 0 * 0)\n}\n" 2
      "^-9223372036854775808\nerror: trap: int_divz\n")
check("fn main() {\n  x = 0 - 9223372036854775807 - 1\n  print(x / -1)\n}\n" 2
      "error: trap: int_ovf\n")

# Deep nesting.
string(REPEAT "(" 100000 open)
string(REPEAT ")" 100000 close)
check("fn main() {\n  x = ${open}41 + 1${close}\n  print(x)\n}\n" 0 "^42\n$")
string(REPEAT "  if x < 100000 {\n" 20000 ifs)
string(REPEAT "  }\n" 20000 ends)
check("fn main() {\n  x = 1\n${ifs}  x = x + 1\n${ends}  print(x)\n}\n" 0 "^2\n$")
string(REPEAT "-" 50000 negs)
check("fn main() {\n  print(${negs}5)\n}\n" 0 "^5\n$")
message(STATUS "${n} toy programs checked")
