#pragma once
// Reads one HTTP/1.1 request off a stream the way the dev agent's server does: Beast's parser with
// Go's header limit, the agent's body limit, a field-size check that reports instead of throwing,
// and Go's leniency about HTTP/1.x minor versions. A template over the stream so the server (a
// TCP stream) and in-memory drivers (the fuzz target) read with the very same code.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tools/dev_agent/read_failure.hpp"
#include "tools/dev_agent/request.hpp"

namespace gatehouse::tools {

inline constexpr std::uint64_t kRequestBodyLimit = 4 * 1024 * 1024;
// Go's DefaultMaxHeaderBytes (1 MB) plus the 4096 bytes of bufio slop its reader allows
// (net/http/server.go `initialReadLimitSize`); the request line counts, as in Go.
inline constexpr std::uint32_t kRequestHeaderLimit = (1U << 20U) + 4096U;

// Beast's fields keep each name and value under 64 KiB and throw (from inside the read, out of
// the event loop) on a longer one. Go takes any header within its 1 MB limit; here a longer field
// is refused as too large, the same 431 Go writes past that limit.
class RequestParser : public boost::beast::http::request_parser<boost::beast::http::string_body> {
 public:
  RequestParser() {
    header_limit(kRequestHeaderLimit);
    body_limit(kRequestBodyLimit);
  }

 private:
  static constexpr std::size_t kMaxField = 0xFFFFU - 2U;

  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::system::error_code& ec) override {
    if (name_string.size() > kMaxField || value.size() > kMaxField) {
      ec = boost::beast::http::error::header_limit;
      return;
    }
    get().insert(name, name_string, value);
  }
};

struct ReadResult {
  boost::system::error_code ec;
  std::optional<Request::Message> message;
};

// The bytes read but not yet consumed by the parser (where a failed request starts).
inline std::string_view pending_bytes(const boost::beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  return {static_cast<const char*>(data.data()), data.size()};
}

// Reads one request. Beast refuses versions other than 1.0 and 1.1 where Go serves any HTTP/1.x
// as HTTP/1.1 (`http1ServerSupportsRequest`), so such a request line is rewritten to 1.1 and
// parsed again.
template <class AsyncReadStream>
boost::asio::awaitable<ReadResult> read_request(AsyncReadStream& stream,
                                                boost::beast::flat_buffer& buffer) {
  namespace http = boost::beast::http;
  constexpr auto tok = boost::asio::as_tuple(boost::asio::use_awaitable);
  std::optional<RequestParser> parser;
  for (bool rewritten = false;; rewritten = true) {
    parser.emplace();
    auto [ec, n] = co_await http::async_read(stream, buffer, *parser, tok);
    if (!ec) co_return ReadResult{ec, parser->release()};
    if (ec != http::error::bad_version || rewritten) co_return ReadResult{ec, std::nullopt};
    const auto digit = http1_minor_digit_to_rewrite(pending_bytes(buffer));
    if (!digit) co_return ReadResult{ec, std::nullopt};
    static_cast<char*>(buffer.data().data())[*digit] = '1';
  }
}

}  // namespace gatehouse::tools
