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

  // Splits and percent-decodes the target; nullopt when the target is not a valid origin form.
  static std::optional<Request> from_message(Message message);

  std::string_view method() const { return message_.method_string(); }
  boost::beast::http::verb verb() const { return message_.method(); }
  const std::string& path() const { return path_; }
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
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace gatehouse::tools
