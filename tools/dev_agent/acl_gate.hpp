#pragma once
// The dev agent's ACL system: off unless `-acl-token` is given. When on, that token is the only
// valid one (a management token); a request without a token acts as the anonymous token, which
// holds no permissions, and any other token is unknown. Texts follow Consul's acl/errors.go
// (`ACL not found`, PermissionDeniedError).

#include <optional>
#include <string>
#include <string_view>

#include "tools/dev_agent/http_error.hpp"
#include "tools/dev_agent/request.hpp"

namespace gatehouse::tools {

class AclGate {
 public:
  explicit AclGate(std::optional<std::string> management_token)
      : token_{std::move(management_token)} {}

  bool enabled() const { return token_.has_value(); }

  // Token resolution alone, as Consul's ACLResolver does before any endpoint that reads a token:
  // a token it cannot find is 403 `ACL not found` (acl.ErrNotFound), also on endpoints that
  // would otherwise filter their results. The anonymous token (no token) resolves.
  std::optional<HttpError> resolve(const Request& request) const;
  // Whether the request's token holds every permission (ACLs off, or the management token).
  bool allows_all(const Request& request) const;

  // `permission` like "service:write"; `resource` the name it is checked on ("" for global
  // permissions such as "operator:read").
  std::optional<HttpError> require(const Request& request, std::string_view permission,
                                   std::string_view resource = {}) const;
  // Checks whose denial Consul reports as a bare `Permission denied` (intention writes).
  std::optional<HttpError> require_bare(const Request& request) const;

 private:
  std::optional<std::string> token_;
};

}  // namespace gatehouse::tools
