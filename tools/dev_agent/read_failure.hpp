#pragma once
// What Go's net/http server writes when it cannot read a request (net/http/server.go
// `conn.serve`, `conn.readRequest`): a fixed answer written straight to the socket, with
// `Connection: close`, no Content-Length, and the connection closed after it.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::tools {

struct ReadFailure {
  unsigned status = 400;
  // Go's statusError text (`missing required Host header`); empty for a plain failure.
  std::string reason;
  // Overrides the body Go derives from status and reason (501 writes its own sentence).
  std::optional<std::string> body;

  // The bytes Go writes: "HTTP/1.1 400 Bad Request: <reason>\r\nContent-Type: text/plain;
  // charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: <reason>" (reason optional).
  std::string wire() const;
};

// How Go answers the parse error `ec` that Beast reported for the request whose unconsumed bytes
// start at `pending`; nullopt when Go writes nothing (the peer went away or timed out).
std::optional<ReadFailure> read_failure(const boost::system::error_code& ec,
                                        std::string_view pending);

// The checks Go's readRequest makes on a request that parsed (Host header rules).
std::optional<ReadFailure> check_parsed_request(
    const boost::beast::http::request<boost::beast::http::string_body>& message);

// Go accepts any `HTTP/1.<digit>` version and serves it as HTTP/1.1; Beast refuses all but 1.0 and
// 1.1. When `pending` starts with such a request line, the offset of the minor digit to rewrite
// to '1'; nullopt otherwise.
std::optional<std::size_t> http1_minor_digit_to_rewrite(std::string_view pending);

}  // namespace gatehouse::tools
