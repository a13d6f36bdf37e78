#pragma once
// The demo's synchronous calls to the agent (the demo itself runs step by step): service
// registration and the intention operations of the four steps. The intention calls use the
// agent's exact API directly; each lives in one function so it can move to the intention
// CLI's library (tools/intention/intention_ops.hpp) without touching the walkthrough.

#include <boost/asio/io_context.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <vector>

#include "consul/agent_client.hpp"

namespace gatehouse::tools {

template <class T>
using DemoResult = boost::system::result<T, std::string>;

class DemoAgent {
 public:
  explicit DemoAgent(consul::AgentConfig config);

  DemoResult<void> register_service(const consul::AgentServiceRegistration& registration);
  // `gatehouse intention create -allow|-deny SRC DST` (exact API upsert).
  DemoResult<void> create_intention(const std::string& source, const std::string& destination,
                                    const std::string& action);
  // `gatehouse intention update -allow|-deny SRC DST`: the intention must exist.
  DemoResult<void> update_intention(const std::string& source, const std::string& destination,
                                    const std::string& action);
  // `gatehouse intention delete SRC DST`.
  DemoResult<void> delete_intention(const std::string& source, const std::string& destination);
  // `gatehouse intention list`: every intention, in the agent's order.
  DemoResult<std::vector<consul::Intention>> list_intentions();

 private:
  boost::asio::io_context io_;
  consul::AgentClient agent_;
};

// `consul intention list`'s table: columns ID, Source, Action, Destination, Precedence, separated
// by two spaces (columnize), an empty ID for intentions not made by the legacy API.
std::string format_intention_table(const std::vector<consul::Intention>& intentions);

}  // namespace gatehouse::tools
