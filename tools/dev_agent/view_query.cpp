#include "tools/dev_agent/view_query.hpp"

#include "tools/dev_agent/acl_gate.hpp"

namespace gatehouse::tools {

boost::system::result<ReadAccess, HttpError> read_access(const AgentContext& ctx,
                                                         const Request& req,
                                                         std::string_view permission,
                                                         std::string_view resource) {
  auto denied = ctx.acl.require(req, permission, resource);
  if (!denied) return ReadAccess::kAll;
  if (req.token()) return *denied;  // ACL not found
  return ReadAccess::kNothing;
}

void mark_filtered(Response& response, bool removed) {
  if (removed) response.set_header("X-Consul-Results-Filtered-By-ACLs", "true");
}

}  // namespace gatehouse::tools
