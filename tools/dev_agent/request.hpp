#pragma once
// One HTTP request as the handlers see it: method, decoded path and query, headers and body.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::tools {

class Request {
 public:
  using Message = boost::beast::http::request<boost::beast::http::string_body>;

  // Splits and percent-decodes the target (origin form, absolute form, or `*`, the forms Go's
  // url.ParseRequestURI accepts); nullopt when it is none of them. The body's invalid UTF-8 bytes
  // become U+FFFD, as Go's encoding/json does when Consul decodes it; path and query keep their
  // bytes (Go strings do) and are made valid only when written out as JSON.
  static std::optional<Request> from_message(Message message);

  std::string_view method() const { return message_.method_string(); }
  boost::beast::http::verb verb() const { return message_.method(); }
  const std::string& path() const { return path_; }
  // The path as sent, still percent-encoded (raw bytes >= 0x80 encoded), like Go's EscapedPath.
  const std::string& escaped_path() const { return escaped_path_; }
  // The query as sent, still percent-encoded (for redirects that keep it).
  const std::string& raw_query() const { return raw_query_; }
  // `*` (OPTIONS *): Go's server answers it before any handler.
  bool is_asterisk() const { return message_.target() == "*"; }
  const std::string& body() const { return message_.body(); }
  std::string_view header(std::string_view name) const;

  // The first value of a query parameter; an empty string when it is present without a value.
  std::optional<std::string> query(std::string_view key) const;
  // Every value of a repeated query parameter (e.g. `name=a&name=b`), in order.
  std::vector<std::string> query_all(std::string_view key) const;
  bool has_query(std::string_view key) const { return query(key).has_value(); }

  // The ACL token in Consul's order: ?token=, X-Consul-Token, Authorization: Bearer.
  std::optional<std::string> token() const;

  // The part of the path after a prefix route such as "/v1/agent/service/".
  std::string path_suffix(std::string_view prefix) const;

 private:
  Message message_;
  std::string path_;
  std::string raw_query_;
  std::string escaped_path_;
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace gatehouse::tools
