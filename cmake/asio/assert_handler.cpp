// Where BOOST_ASSERT goes in the Asio/Beast unit (asio_impl.cpp, built with
// BOOST_ENABLE_ASSERT_DEBUG_HANDLER: debug builds only, NDEBUG builds keep no asserts). Every
// assertion fails as assert() would, with one exception: Beast 1.81's
// basic_parser::parse_chunk_header asserts `n >= 5` when it sees the last chunk of a chunked body
// again, where 3 bytes ("0\r\n") are valid when no chunk came before it. The code after the
// assertion answers need_more correctly, which is what release builds do; upstream corrected the
// assertion (boostorg/beast#2861). Without this, a client that sends an empty chunked body a few
// bytes at a time aborts a debug build of the dev agent.

#include <boost/assert.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

bool is_beast_chunk_header_false_alarm(const char* expr, const char* function, const char* file) {
  return std::string_view{expr} == "n >= 5" &&
         std::string_view{file}.ends_with("beast/http/impl/basic_parser.ipp") &&
         std::strstr(function, "parse_chunk_header") != nullptr;
}

[[noreturn]] void fail(const char* expr, const char* msg, const char* function, const char* file,
                       long line) {
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed%s%s.\n", file, line, function, expr,
               msg != nullptr ? ": " : "", msg != nullptr ? msg : "");
  std::abort();
}

}  // namespace

namespace boost {

void assertion_failed(const char* expr, const char* function, const char* file, long line) {
  if (is_beast_chunk_header_false_alarm(expr, function, file)) return;
  fail(expr, nullptr, function, file, line);
}

void assertion_failed_msg(const char* expr, const char* msg, const char* function, const char* file,
                          long line) {
  fail(expr, msg, function, file, line);
}

}  // namespace boost
