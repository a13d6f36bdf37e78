#pragma once
// Runs one awaitable agent call to completion on a private io_context, for callers that are not
// coroutines (the CLI, the blocking twins in intention_ops.hpp). Include only from .cpp files:
// it pulls in Asio's co_spawn.
//
//   OpResult r = blocking_call<OpResult>(config, [](consul::AgentClient& agent) {
//     return list_intentions(agent);   // a coroutine taking its parameters by value
//   });

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

#include "consul/agent_client.hpp"

namespace gatehouse::tools {

// `start(agent)` must return boost::asio::awaitable<T>; it is called once, on this thread.
template <class T, class Start>
T blocking_call(const consul::AgentConfig& config, Start&& start) {
  boost::asio::io_context ioc;
  consul::AgentClient agent{ioc.get_executor(), config};
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(ioc, std::forward<Start>(start)(agent), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result.emplace(std::move(value));
    ioc.stop();  // idle keep-alive connections would keep the loop alive
  });
  ioc.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

}  // namespace gatehouse::tools
