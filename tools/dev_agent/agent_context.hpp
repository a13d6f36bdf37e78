#pragma once
// What endpoint handlers share: the flags, the state and the ACL gate. Owned by DevAgent.

#include <boost/asio/awaitable.hpp>
#include <string>

#include "tools/dev_agent/request.hpp"
#include "tools/dev_agent/response.hpp"
#include "tools/dev_agent/router.hpp"

namespace gatehouse::tools {

struct DevAgentOptions;
class StateStore;
class AclGate;
class CaManager;
class IntentionStore;
class Catalog;
class AgentCache;

struct AgentContext {
  const DevAgentOptions& options;
  std::string node_id;  // a random UUID per start, as a fresh -dev agent has
  StateStore& store;
  AclGate& acl;
  CaManager& ca;
  IntentionStore& intentions;
  Catalog& catalog;
  AgentCache& cache;
};

// An endpoint is a free coroutine; the context outlives every request, so it is passed by
// reference and the router's handler is a plain (non-coroutine) lambda.
using Endpoint = boost::asio::awaitable<Response> (*)(AgentContext&, const Request&);

inline Handler bind_endpoint(AgentContext& ctx, Endpoint endpoint) {
  return [&ctx, endpoint](const Request& request) { return endpoint(ctx, request); };
}

}  // namespace gatehouse::tools
