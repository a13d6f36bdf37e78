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
  // The four steps' intention operations, through the intention CLI's library
  // (tools/intention/intention_ops.hpp): success is the line `gatehouse intention` prints
  // (`Created: web => db (allow)`), failure its error line.
  DemoResult<std::string> create_intention(const std::string& source,
                                           const std::string& destination,
                                           const std::string& action);
  DemoResult<std::string> update_intention(const std::string& source,
                                           const std::string& destination,
                                           const std::string& action);
  DemoResult<std::string> delete_intention(const std::string& source,
                                           const std::string& destination);
  // `gatehouse intention list`'s table.
  DemoResult<std::string> intention_table();

 private:
  consul::AgentConfig config_;
  boost::asio::io_context io_;
  consul::AgentClient agent_;
};

}  // namespace gatehouse::tools
