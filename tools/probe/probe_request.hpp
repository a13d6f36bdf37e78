#pragma once
// What `gatehouse probe -send TEXT` or `-http-get PATH` sends once its connection is through the
// mesh, and which answer proves the pair: any reply, or one that matches -expect-reply (an
// ECMAScript regular expression, searched in the reply; with -http-get in the body) and
// -expect-status. Pure: prober.cpp does the I/O, classification.cpp judges the answer.

#include <boost/system/result.hpp>
#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace gatehouse::tools {

struct ProbeRequest {
  enum class Kind { send, http_get };
  Kind kind = Kind::send;
  std::string payload;  // -send: the bytes (escapes decoded); -http-get: the request target
  std::optional<std::regex> expect_reply;
  std::string expect_reply_text;  // the expression as given, for reasons
  std::optional<unsigned> expect_status;
};

// The most reply bytes the probe reads and keeps (-expect-reply is searched in these): a reply
// is proof, not a download.
inline constexpr std::size_t kReplyLimit = 4096;
// How many of them the reports carry.
inline constexpr std::size_t kReplyShown = 64;

// -send's text with \n, \r, \t and \\ decoded (a shell cannot easily pass a newline). Error:
// `-send: unknown escape "\q" (use \n, \r, \t or \\)`.
boost::system::result<std::string, std::string> decode_send_text(std::string_view text);

// -expect-reply compiled; error: `-expect-reply: invalid regular expression "(": ...`.
boost::system::result<std::regex, std::string> compile_expect_reply(const std::string& text);

// The first kReplyShown bytes, safe for JSON: bytes that are not UTF-8 become U+FFFD.
std::string reply_head(std::string_view reply);

// Bytes on one line, quoted: printable ASCII as is, \n \r \t \\ \" and \xHH for the rest
// ("hello from db\n").
std::string quoted_reply(std::string_view reply);

}  // namespace gatehouse::tools
