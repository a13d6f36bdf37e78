#include "tools/dev_agent/acl_gate.hpp"

namespace gatehouse::tools {

std::optional<HttpError> AclGate::resolve(const Request& request) const {
  if (!token_) return std::nullopt;
  const auto presented = request.token();
  if (presented && presented != token_) return HttpError::forbidden("ACL not found");
  return std::nullopt;
}

bool AclGate::allows_all(const Request& request) const {
  return !token_ || request.token() == token_;
}

std::optional<HttpError> AclGate::require(const Request& request, std::string_view permission,
                                          std::string_view resource) const {
  if (!token_) return std::nullopt;
  const auto presented = request.token();
  if (presented == token_) return std::nullopt;
  if (presented) return HttpError::forbidden("ACL not found");
  std::string text = "Permission denied: anonymous token lacks permission '";
  text += permission;
  text += "'";
  if (!resource.empty()) {
    text += " on \"";
    text += resource;
    text += "\"";
  }
  text += ". The anonymous token is used implicitly when a request does not specify a token.";
  return HttpError::forbidden(std::move(text));
}

std::optional<HttpError> AclGate::require_bare(const Request& request) const {
  if (!token_) return std::nullopt;
  const auto presented = request.token();
  if (presented == token_) return std::nullopt;
  if (presented) return HttpError::forbidden("ACL not found");
  return HttpError::forbidden("Permission denied");
}

}  // namespace gatehouse::tools
