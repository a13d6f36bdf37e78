#pragma once
// /v1/catalog/{services,service/,connect/,nodes,node/} (agent/catalog_endpoint.go): blocking
// queries on the catalog's tables and per-service/per-node indexes. `?near`, `?node-meta`,
// `?filter`, `?dc` and `?peer` are accepted and ignored (one node, one datacenter).

#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/router.hpp"

namespace gatehouse::tools {

void add_catalog_endpoints(Router& router, AgentContext& ctx);

}  // namespace gatehouse::tools
