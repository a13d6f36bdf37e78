#pragma once
// A failed request as Consul reports it: a status code and a plain-text body (agent/http.go,
// HTTPHandlers.wrap).

#include <string>

namespace gatehouse::tools {

struct HttpError {
  unsigned status = 500;
  std::string body;

  static HttpError bad_request(std::string reason) { return {400, std::move(reason)}; }
  static HttpError forbidden(std::string reason) { return {403, std::move(reason)}; }
  static HttpError not_found(std::string reason) { return {404, std::move(reason)}; }
  static HttpError internal(std::string reason) { return {500, std::move(reason)}; }

  // A plain error returned by an RPC or a handler's fmt.Errorf: Consul picks the status from the
  // text (ACL errors are 403, the rate-limit text is 429, everything else 500).
  static HttpError from_error_text(std::string text);
};

}  // namespace gatehouse::tools
