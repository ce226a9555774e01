# Runs the toy demo on one example program and checks its exit status and
# its output (stdout and stderr merged in order) against a regular
# expression: cmake -DTOY=... -DPROGRAM=... -DSTATUS=... -DEXPECT=... -P run_toy.cmake
execute_process(COMMAND ${TOY} ${PROGRAM}
                RESULT_VARIABLE status
                OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
if(NOT status STREQUAL STATUS)
  message(FATAL_ERROR "${PROGRAM}: exit status ${status}, expected ${STATUS}; output:\n${out}")
endif()
if(NOT out MATCHES "${EXPECT}")
  message(FATAL_ERROR "${PROGRAM}: output does not match\n  ${EXPECT}\noutput:\n${out}")
endif()
message(STATUS "${PROGRAM}: ok\n${out}")
