# Quiz.GradeCliMatchesHandGrades: `wslab quiz grade` on the hand-graded class
# (fixtures/README.md) must write exactly the teacher's grades, leak no answer
# key, and refuse bad input with one error and no files.
#   cmake -DWSLAB=... -DFIXTURES=... -DOUT=... -P grade_cli_test.cmake
file(REMOVE_RECURSE ${OUT})
set(F ${FIXTURES})
execute_process(
  COMMAND ${WSLAB} quiz grade --quiz ${F}/class-quiz.toml ${F}/alice.json ${F}/bob.json
          ${F}/class-b.csv ${F}/class-c.json --out ${OUT}/class --format csv,json --format gradescope
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "grade failed (${rc}): ${out}${err}")
endif()
file(READ ${OUT}/class/grades.csv got)
file(READ ${F}/hand-grades.csv want)
if(NOT got STREQUAL want)
  message(FATAL_ERROR "grades.csv differs from the hand grades:\n--- tool\n${got}--- hand\n${want}")
endif()
foreach(s alice bob carol dave erin frank)
  if(NOT EXISTS ${OUT}/class/gradescope/${s}/results.json)
    message(FATAL_ERROR "no Gradescope results for ${s}")
  endif()
endforeach()
# Bob's own accept value and the short-answer alternative must not appear in
# what Bob can see.
file(READ ${OUT}/class/gradescope/bob/results.json bob)
foreach(secret "zdQ0OMNqV4lAUewBHkoWqoZiRTQ=" "Switching Protocols")
  string(FIND "${bob}" "${secret}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "answer key '${secret}' leaked into bob's results.json")
  endif()
endforeach()
file(GLOB leftovers ${OUT}/class/*.tmp.* ${OUT}/class/gradescope/*/*.tmp.*)
if(leftovers)
  message(FATAL_ERROR "temporary files left behind: ${leftovers}")
endif()

# One student, Gradescope layout: DIR/results.json.
execute_process(
  COMMAND ${WSLAB} quiz grade --quiz ${F}/class-quiz.toml ${F}/bob.json --out ${OUT}/one --format gradescope
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS ${OUT}/one/results.json)
  message(FATAL_ERROR "single-student Gradescope run failed (${rc}): ${out}${err}")
endif()
file(READ ${OUT}/one/results.json one)
string(FIND "${one}" "\"score\": 1," at)
if(at EQUAL -1)
  message(FATAL_ERROR "bob's Gradescope score is not 1:\n${one}")
endif()

# Bad input: exit 2, one error naming the file, nothing written.
foreach(bad other-quiz.json missing-student.csv unknown-question.json duplicate-alice.json broken.json)
  execute_process(
    COMMAND ${WSLAB} quiz grade --quiz ${F}/class-quiz.toml ${F}/alice.json ${F}/bad/${bad}
            --out ${OUT}/bad-${bad} --format csv,json,gradescope
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "${bad}: expected exit status 2, got ${rc}: ${out}${err}")
  endif()
  string(FIND "${err}" "${bad}" named)
  if(named EQUAL -1)
    message(FATAL_ERROR "${bad}: the error does not name the file: ${err}")
  endif()
  if(EXISTS ${OUT}/bad-${bad})
    message(FATAL_ERROR "${bad}: output was written despite the error")
  endif()
endforeach()
message(STATUS "grade CLI: hand grades reproduced, no key leaked, bad input refused")
