# Fuzz targets for every parser of outside bytes (fuzz/README.md).
#
# GATEHOUSE_FUZZ=ON (the `fuzz` preset, clang only): every translation unit gets libFuzzer's
# coverage instrumentation and each target is an executable `fuzz_<name>` with libFuzzer's main.
# GATEHOUSE_FUZZ=OFF (the gcc presets): the same target source is linked with fuzz/replay_main.cpp
# as `fuzz_replay_<name>` and registered as the ctest `fuzz_replay_<name>`, which runs it over
# fuzz/corpus/<name>/ and fuzz/regressions/<name>/: every seed and every crash reproducer is a
# regression test in every preset, and the targets keep compiling with gcc.
option(GATEHOUSE_FUZZ "Build the libFuzzer targets (clang; the fuzz preset)" OFF)

if(GATEHOUSE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GATEHOUSE_FUZZ=ON needs clang with libFuzzer (use the fuzz preset)")
  endif()
  # Coverage feedback from all code, including the Asio unit, not only the fuzz targets.
  # -fno-sanitize=function: clang 14's UBSan function-type check compares type_info of the
  # callee across libraries and misfires on correct calls through function pointers (Asio
  # handlers, OpenSSL callbacks); it must come after -fsanitize=undefined (Sanitizers.cmake).
  add_compile_options(-fsanitize=fuzzer-no-link -fno-sanitize=function)
  add_link_options(-fno-sanitize=function)
endif()

# gatehouse_fuzz_target(NAME <name> SOURCES <files...> [LIBRARIES <libs...>] [DICT <dicts...>])
# DICT names fuzz/dict/<dict>.dict files, which scripts/fuzz passes to libFuzzer (joined into one
# when there are several). The list of targets and their dictionaries is written to
# <build>/fuzz/targets.tsv for scripts/fuzz.
function(gatehouse_fuzz_target)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME" "SOURCES;LIBRARIES;DICT")
  if(NOT arg_NAME OR NOT arg_SOURCES)
    message(FATAL_ERROR "gatehouse_fuzz_target needs NAME and SOURCES")
  endif()
  list(JOIN arg_DICT "," dict)
  if(NOT dict)
    set(dict "-")
  endif()
  file(APPEND "${CMAKE_BINARY_DIR}/fuzz/targets.tsv" "${arg_NAME}\t${dict}\n")

  if(GATEHOUSE_FUZZ)
    set(target fuzz_${arg_NAME})
    add_executable(${target} ${arg_SOURCES})
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  else()
    set(target fuzz_replay_${arg_NAME})
    if(NOT TARGET gatehouse_fuzz_replay_main)
      add_library(gatehouse_fuzz_replay_main STATIC ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cpp)
      target_link_libraries(gatehouse_fuzz_replay_main PRIVATE gatehouse::warnings)
    endif()
    add_executable(${target} ${arg_SOURCES})
    target_link_libraries(${target} PRIVATE gatehouse_fuzz_replay_main)
    if(BUILD_TESTING)
      add_test(NAME ${target}
               COMMAND ${target} ${PROJECT_SOURCE_DIR}/fuzz/corpus/${arg_NAME}
                       ${PROJECT_SOURCE_DIR}/fuzz/regressions/${arg_NAME})
      set_tests_properties(${target} PROPERTIES LABELS fuzz)
    endif()
  endif()
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${target} PRIVATE ${arg_LIBRARIES} gatehouse::warnings)
endfunction()
