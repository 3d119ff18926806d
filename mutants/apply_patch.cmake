# Build step of one mutant: copy a core/net source into the build tree and apply
# the mutant's unified diff to the copy (the source tree is never touched).
# A patch that no longer applies (the file changed under it) fails the build
# with a message naming the mutant.
#
#   cmake -DMUTANT=name -DSOURCE=/abs/core/src/x.cpp -DPATCH=/abs/mutants/patches/name.patch
#         -DOUTPUT=/abs/build/.../x.cpp -DPATCH_EXECUTABLE=/usr/bin/patch -P apply_patch.cmake
foreach(var MUTANT SOURCE PATCH OUTPUT PATCH_EXECUTABLE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "apply_patch.cmake: ${var} is not set")
  endif()
endforeach()

get_filename_component(out_dir "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${out_dir}")
file(REMOVE "${OUTPUT}" "${OUTPUT}.tmp")

# --fuzz=0: every context line must match exactly (a shifted hunk is fine, a
# changed neighbourhood is not); --reject-file=-: no .rej files; -o: write the
# patched copy elsewhere.
execute_process(
  COMMAND "${PATCH_EXECUTABLE}" --batch --forward --fuzz=0 --no-backup-if-mismatch
          --reject-file=- --quiet -o "${OUTPUT}.tmp" "${SOURCE}" "${PATCH}"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  file(REMOVE "${OUTPUT}.tmp")
  # Indented lines keep their line breaks in CMake's error output.
  string(REGEX REPLACE "\n+$" "" said "${out}${err}")
  string(REPLACE "\n" "\n    " said "${said}")
  message(FATAL_ERROR
    "mutant '${MUTANT}': its patch no longer applies (the file changed where the bug goes).\n"
    "  patch: ${PATCH}\n"
    "  file:  ${SOURCE}\n"
    "  Re-create the bug in the new code and regenerate the patch (docs/mutants.md,\n"
    "  \"Adding a mutant\"), or drop the mutant from mutants/catalog.txt.\n"
    "  patch said:\n    ${said}\n")
endif()

file(READ "${SOURCE}" before)
file(READ "${OUTPUT}.tmp" after)
if(before STREQUAL after)
  file(REMOVE "${OUTPUT}.tmp")
  message(FATAL_ERROR "mutant '${MUTANT}': ${PATCH} applied but changed nothing in ${SOURCE}")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
