#pragma once
// -revoke: when the intentions of our service change, decide every open inbound connection again
// and close the ones now denied (proxy/revoker.hpp does the closing). The new intentions are
// applied locally first (IntentionIndex); a connection they deny, or that no intention matches
// any more (the agent's default decides), is confirmed with the agent's authorize before it is
// closed, so a misread change never cuts a connection the agent would allow: only the agent's
// denial revokes. If the agent cannot be asked, a local-mode sidecar revokes on its own matched
// denial (the same decision it gives new connections); an agent-mode one leaves the connection
// open. Runs on the control thread; a change arriving during a pass starts one more pass after it.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>

#include "consul/agent_config.hpp"
#include "proxy/agent_authorizer.hpp"
#include "proxy/intention_watch.hpp"
#include "proxy/revoker.hpp"
#include "proxy/runtime.hpp"

namespace gatehouse::proxy {

class IntentionRecheck {
 public:
  IntentionRecheck(const boost::asio::any_io_executor& control, std::shared_ptr<Runtime> runtime,
                   const consul::AgentConfig& agent, std::chrono::milliseconds authorize_timeout);

  // Control thread: the watch published `set`.
  void on_change(std::shared_ptr<const IntentionSet> set);

  struct State;  // shared with the pass in progress

 private:
  std::shared_ptr<State> state_;
};

}  // namespace gatehouse::proxy
