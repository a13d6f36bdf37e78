#pragma once
// The dev agent: state, CA, intentions, catalog and the routes over them. Transport-free: the
// HTTP server hands every request to handle().

#include <boost/asio/awaitable.hpp>
#include <memory>

#include "tools/dev_agent/acl_gate.hpp"
#include "tools/dev_agent/agent_cache.hpp"
#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/ca_manager.hpp"
#include "tools/dev_agent/catalog.hpp"
#include "tools/dev_agent/dev_agent_options.hpp"
#include "tools/dev_agent/intention_store.hpp"
#include "tools/dev_agent/router.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

class DevAgent {
 public:
  // Creates the CA (a fresh cluster ID) and registers every route.
  static boost::system::result<std::unique_ptr<DevAgent>, std::string> create(
      DevAgentOptions options);

  DevAgent(const DevAgent&) = delete;
  DevAgent& operator=(const DevAgent&) = delete;

  // Routes the request and adds the headers Consul sets on every response.
  boost::asio::awaitable<Response> handle(const Request& request);
  // Releases blocked queries: the agent is stopping.
  void shutdown() { store_.notifier().shutdown(); }

  const std::string& trust_domain() const { return ca_.trust_domain(); }
  // True while a request waits for the CA worker (a signing or a key generation): its answer
  // will come without any other request. A driver running the io_context by hand (the fuzz
  // target) needs this to tell such a request from one blocked on a query.
  bool ca_working() const { return ca_.working(); }

 private:
  explicit DevAgent(DevAgentOptions options);
  // The router's answer, or a 500 when a handler throws.
  boost::asio::awaitable<Response> dispatch(const Request& request);

  DevAgentOptions options_;
  StateStore store_;
  AclGate acl_;
  CaManager ca_;
  IntentionStore intentions_;
  std::string node_id_;
  Catalog catalog_;
  AgentCache cache_;
  AgentContext ctx_;
  Router router_;
};

}  // namespace gatehouse::tools
