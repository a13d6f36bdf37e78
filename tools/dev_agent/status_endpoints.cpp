#include "tools/dev_agent/status_endpoints.hpp"

#include <nlohmann/json.hpp>

#include "tools/dev_agent/acl_gate.hpp"
#include "tools/dev_agent/dev_agent_options.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using nlohmann::json;

namespace {

// The one-node cluster: this agent is the server and the leader on Consul's default RPC port.
constexpr const char* kLeaderAddress = "127.0.0.1:8300";
constexpr const char* kConsulVersion = "1.18.0";

json agent_self(const AgentContext& ctx) {
  const auto& o = ctx.options;
  return {
      {"Config",
       {{"Datacenter", o.datacenter},
        {"PrimaryDatacenter", o.datacenter},
        {"NodeName", o.node_name},
        {"NodeID", ctx.node_id},
        {"Revision", ""},
        {"Server", true},
        {"Version", kConsulVersion},
        {"BuildDate", "1970-01-01T00:00:01Z"}}},
      {"Member",
       {{"Name", o.node_name},
        {"Addr", "127.0.0.1"},
        {"Port", 8301},
        {"Tags",
         {{"dc", o.datacenter}, {"role", "consul"}, {"id", ctx.node_id}, {"build", kConsulVersion}}},
        {"Status", 1}}},
      {"DebugConfig", json::object()},
      {"Coord", nullptr},
      {"Meta", json::object()},
      {"Stats", json::object()},
      {"xDS", nullptr},
  };
}

net::awaitable<Response> status_leader(AgentContext& /*ctx*/, const Request& /*req*/) {
  co_return Response::json(kLeaderAddress);
}

net::awaitable<Response> get_agent_self(AgentContext& ctx, const Request& req) {
  if (auto denied = ctx.acl.require(req, "agent:read", ctx.options.node_name)) {
    co_return Response::error(*denied);
  }
  co_return Response::json(agent_self(ctx));
}

}  // namespace

void add_status_endpoints(Router& router, AgentContext& ctx) {
  router.add("/v1/status/leader", {"GET"}, bind_endpoint(ctx, status_leader));
  router.add("/v1/agent/self", {"GET"}, bind_endpoint(ctx, get_agent_self));
}

}  // namespace gatehouse::tools
