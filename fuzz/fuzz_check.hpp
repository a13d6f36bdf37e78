#pragma once
// Invariant checks for fuzz targets: a violated invariant prints what failed and aborts, which
// libFuzzer reports as a crash (with the input saved) and the replay ctest reports as a failure.

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace gatehouse::fuzz {

[[noreturn]] inline void invariant_failed(const char* condition, std::string_view detail,
                                          const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n  %.*s\n", file, line, condition,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace gatehouse::fuzz

// FUZZ_CHECK(condition, detail): detail is anything convertible to std::string_view.
#define FUZZ_CHECK(condition, detail)                                                \
  do {                                                                               \
    if (!(condition))                                                                \
      ::gatehouse::fuzz::invariant_failed(#condition, (detail), __FILE__, __LINE__); \
  } while (false)
