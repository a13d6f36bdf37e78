#pragma once
// The dev agent's ACL system: off unless `-acl-token` is given. When on, that token is the only
// valid one (a management token); a request without a token acts as the anonymous token, which
// holds no permissions, and any other token is unknown (`ACL not found`). Texts follow Consul's
// acl.PermissionDeniedError (reference §12.1).

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
