#include "tools/dev_agent/read_failure.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/core/string.hpp>
#include <cctype>
#include <iterator>

namespace gatehouse::tools {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// net/http/server.go: `const errorHeaders`.
constexpr std::string_view kErrorHeaders =
    "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n";

std::string status_text(unsigned status) {
  return std::string{http::obsolete_reason(static_cast<http::status>(status))};
}

// The request line's parts, when `pending` holds a whole line.
struct RequestLine {
  std::string_view method;
  std::string_view target;
  std::string_view version;
};

std::optional<RequestLine> request_line(std::string_view pending) {
  const auto end = pending.find("\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view line = pending.substr(0, end);
  const auto s1 = line.find(' ');
  if (s1 == std::string_view::npos) return std::nullopt;
  const auto s2 = line.find(' ', s1 + 1);
  if (s2 == std::string_view::npos) return std::nullopt;
  return RequestLine{line.substr(0, s1), line.substr(s1 + 1, s2 - s1 - 1), line.substr(s2 + 1)};
}

// Go's ParseHTTPVersion: "HTTP/" one digit "." one digit; the major, or nullopt when malformed.
std::optional<int> http_major(std::string_view version) {
  if (version.size() != 8 || !version.starts_with("HTTP/") || version[6] != '.') return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(version[5])) == 0 ||
      std::isdigit(static_cast<unsigned char>(version[7])) == 0) {
    return std::nullopt;
  }
  return version[5] - '0';
}

// A request line whose version Beast refused: 505 for a well-formed version Go does not serve
// (`http1ServerSupportsRequest`), 400 for a malformed one. `PRI * HTTP/2.0` is read by Go and
// refused by ServeMux for its `*` target: 400 with no body.
ReadFailure version_failure(std::string_view pending) {
  const auto line = request_line(pending);
  if (!line) return ReadFailure{};
  const auto major = http_major(line->version);
  if (!major) return ReadFailure{};
  if (line->method == "PRI" && line->target == "*" && line->version == "HTTP/2.0") {
    return ReadFailure{400, {}, std::string{}};
  }
  return ReadFailure{505, "unsupported protocol version", std::nullopt};
}

// httpguts.ValidHostHeader: the bytes a Host header may hold.
bool valid_host(std::string_view host) {
  constexpr std::string_view kExtra = "!$%&'()*+,-.:;=[]_~";
  for (const char c : host) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && kExtra.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string ReadFailure::wire() const {
  std::string head = std::to_string(status) + " " + status_text(status);
  if (!reason.empty()) head += ": " + reason;
  return "HTTP/1.1 " + head + std::string{kErrorHeaders} + body.value_or(head);
}

std::optional<ReadFailure> read_failure(const boost::system::error_code& ec,
                                        std::string_view pending) {
  if (ec == http::error::header_limit) {
    return ReadFailure{431, {}, std::nullopt};
  }
  if (ec == http::error::bad_transfer_encoding) {
    return ReadFailure{501, {}, std::string{"Unsupported transfer encoding"}};
  }
  if (ec == http::error::bad_version) return version_failure(pending);
  // Everything else Beast finds in the request line, the header or a chunked body, and a request
  // cut short by the peer, is a plain 400 in Go (its errors there are not statusErrors).
  if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
      ec != http::error::end_of_stream && ec != http::error::body_limit) {
    return ReadFailure{};
  }
  return std::nullopt;
}

std::optional<ReadFailure> check_parsed_request(
    const http::request<http::string_body>& message) {
  // transfer.go `parseTransferEncoding`: one Transfer-Encoding, exactly "chunked", or 501.
  const auto codings = message.equal_range(http::field::transfer_encoding);
  if (codings.first != codings.second) {
    const bool only_chunked = std::next(codings.first) == codings.second &&
                              beast::iequals(codings.first->value(), "chunked");
    if (!only_chunked) return ReadFailure{501, {}, std::string{"Unsupported transfer encoding"}};
  }
  const auto hosts = message.count(http::field::host);
  if (hosts == 0 && message.version() >= 11 && message.method() != http::verb::connect) {
    return ReadFailure{400, "missing required Host header", std::nullopt};
  }
  if (hosts > 1) return ReadFailure{};  // request.go: "too many Host headers", a plain error
  if (hosts == 1 && !valid_host(message.at(http::field::host))) {
    return ReadFailure{400, "malformed Host header", std::nullopt};
  }
  return std::nullopt;
}

std::optional<std::size_t> http1_minor_digit_to_rewrite(std::string_view pending) {
  const auto line = request_line(pending);
  if (!line || http_major(line->version) != 1) return std::nullopt;
  if (line->version == "HTTP/1.0" || line->version == "HTTP/1.1") return std::nullopt;
  return static_cast<std::size_t>(line->version.data() - pending.data()) + 7;
}

}  // namespace gatehouse::tools
